package dev.videocall.gateway;

import dev.videocall.contract.protocol.CloseCode;
import java.util.ArrayDeque;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * One connection's outgoing frames, sent one at a time in order (Jetty wants a message's send to
 * complete before the next). Bounded in frames and in bytes: a client that stops reading is closed
 * with 1013 instead of buffered.
 *
 * <p>A frame's bytes are counted as two per {@code char}: the most a queued {@link String} occupies
 * on the heap (Java keeps at most two bytes per char, one when the text is Latin-1), known without
 * scanning the text. The frame being written counts until Jetty has finished with it; the bytes
 * Jetty encodes it to (UTF-8, one frame at a time) and what the kernel's socket buffer holds are not
 * ours to count.
 */
final class Outbound {

  private sealed interface Item {}

  private record Text(String text) implements Item {
    long bytes() {
      return 2L * text.length();
    }
  }

  private record Close(int code, String reason) implements Item {}

  private final Session session;
  private final int maxFrames;
  private final long maxBytes;
  private final ArrayDeque<Item> queue = new ArrayDeque<>();
  /** Queued frames plus the one being written. */
  private long queuedBytes;
  private long inFlightBytes;
  private boolean sending;
  private boolean closed;
  /** One frame is written at a time, so one callback serves them all (none made per frame). */
  private final Callback whenWritten = new Callback() {
    @Override
    public void succeed() {
      written();
    }

    @Override
    public void fail(Throwable failure) {
      session.disconnect();
    }
  };

  Outbound(Session session, int maxFrames, long maxBytes) {
    this.session = session;
    this.maxFrames = maxFrames;
    this.maxBytes = maxBytes;
  }

  /**
   * Queues a frame. False when this frame found the queue full (in frames, or in bytes: a frame
   * always fits an empty queue): the queue is then dropped and a close with 1013 takes its place. A
   * frame sent after any close is dropped silently (and true).
   */
  boolean send(String text) {
    return enqueue(new Text(text));
  }

  /** Sends everything queued so far, then closes. */
  void close(int code, String reason) {
    enqueue(new Close(code, reason));
  }

  /** What this connection holds now, in the bytes counted above. */
  synchronized long queuedBytes() {
    return queuedBytes;
  }

  private boolean enqueue(Item item) {
    boolean overflowed = false;
    synchronized (this) {
      if (closed) {
        return true;
      }
      if (item instanceof Close) {
        closed = true;
      } else if (full(((Text) item).bytes())) {
        closed = true;
        overflowed = true;
        queue.clear();
        queuedBytes = inFlightBytes;
        item = new Close(CloseCode.TRY_AGAIN_LATER.code(), "not reading");
      } else {
        queuedBytes += ((Text) item).bytes();
      }
      queue.add(item);
      if (sending) {
        return !overflowed;
      }
      sending = true;
    }
    pump();
    return !overflowed;
  }

  private boolean full(long bytes) {
    return queue.size() >= maxFrames || (queuedBytes > 0 && queuedBytes + bytes > maxBytes);
  }

  private void pump() {
    Item next;
    synchronized (this) {
      next = queue.poll();
      if (next == null) {
        sending = false;
        return;
      }
      inFlightBytes = next instanceof Text t ? t.bytes() : 0;
    }
    switch (next) {
      case Text t -> session.sendText(t.text(), whenWritten);
      case Close c -> session.close(c.code(), c.reason(), Callback.NOOP);
    }
  }

  private void written() {
    synchronized (this) {
      queuedBytes -= inFlightBytes;
      inFlightBytes = 0;
    }
    pump();
  }
}
