package dev.videocall.gateway;

import dev.videocall.contract.protocol.CloseCode;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import org.eclipse.jetty.io.RetainableByteBuffer;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OpCode;

/**
 * One connection's outgoing frames, sent one at a time in order (Jetty wants a message's send to
 * complete before the next). Bounded in frames and in bytes: a client that stops reading is closed
 * with 1013 instead of buffered.
 *
 * <p>A frame's bytes are counted as two per {@code char}: the most queued text occupies
 * on the heap (Java keeps at most two bytes per char, one when the text is Latin-1), known without
 * scanning the text. The frame being written counts until Jetty has finished with it; its UTF-8
 * bytes (one frame at a time, in a buffer borrowed from Jetty's pool and given back once written)
 * and what the kernel's socket buffer holds are not counted.
 */
final class Outbound {

  private sealed interface Item {}

  private record Text(CharSequence text) implements Item {
    long bytes() {
      return 2L * text.length();
    }
  }

  private record Close(int code, String reason) implements Item {}

  private final CoreSession session;
  private final int maxFrames;
  private final long maxBytes;
  /** Usually empty: sized small (it grows when needed) since every idle connection holds one. */
  private final ArrayDeque<Item> queue = new ArrayDeque<>(3);
  /** Queued frames plus the one being written. */
  private long queuedBytes;
  private long inFlightBytes;
  private boolean sending;
  private boolean closed;
  /** The bytes of the frame being written, until Jetty has written them. */
  private RetainableByteBuffer inFlight;
  /** One frame is written at a time, so one callback serves them all (none made per frame). */
  private final Callback whenWritten = new Callback() {
    @Override
    public void succeeded() {
      written();
    }

    @Override
    public void failed(Throwable failure) {
      release();
      session.abort();
    }
  };

  Outbound(CoreSession session, int maxFrames, long maxBytes) {
    this.session = session;
    this.maxFrames = maxFrames;
    this.maxBytes = maxBytes;
  }

  /**
   * Queues a frame. False when this frame found the queue full (in frames, or in bytes: a frame
   * always fits an empty queue): the queue is then dropped and a close with 1013 takes its place. A
   * frame sent after any close is dropped silently (and true).
   */
  boolean send(CharSequence text) {
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
      case Text t -> session.sendFrame(new Frame(OpCode.TEXT, true, encode(t.text())), whenWritten, false);
      case Close c -> session.close(c.code(), c.reason(), Callback.NOOP);
    }
  }

  /** Encodes the frame into a buffer from Jetty's pool, held until Jetty has written it. */
  private ByteBuffer encode(CharSequence text) {
    RetainableByteBuffer buffer = FrameBytes.of(text, session.getByteBufferPool());
    synchronized (this) {
      inFlight = buffer;
    }
    return buffer.getByteBuffer();
  }

  private void written() {
    release();
    synchronized (this) {
      queuedBytes -= inFlightBytes;
      inFlightBytes = 0;
    }
    pump();
  }

  private void release() {
    RetainableByteBuffer buffer;
    synchronized (this) {
      buffer = inFlight;
      inFlight = null;
    }
    if (buffer != null) {
      buffer.release();
    }
  }
}
