package dev.videocall.gateway;

import dev.videocall.contract.protocol.CloseCode;
import java.util.ArrayDeque;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * One connection's outgoing frames, sent one at a time in order (Jetty wants a message's send to
 * complete before the next). Bounded: a client that stops reading is closed instead of buffered.
 */
final class Outbound {

  private sealed interface Item {}

  private record Text(String text) implements Item {}

  private record Close(int code, String reason) implements Item {}

  private final Session session;
  private final int maxQueued;
  private final ArrayDeque<Item> queue = new ArrayDeque<>();
  private boolean sending;
  private boolean closed;

  Outbound(Session session, int maxQueued) {
    this.session = session;
    this.maxQueued = maxQueued;
  }

  /**
   * Queues a frame. False when this frame found the queue full: the queue is then dropped and a close
   * with 1013 takes its place (a frame sent after any close is dropped silently, and true).
   */
  boolean send(String text) {
    return enqueue(new Text(text));
  }

  /** Sends everything queued so far, then closes. */
  void close(int code, String reason) {
    enqueue(new Close(code, reason));
  }

  private boolean enqueue(Item item) {
    boolean overflowed = false;
    synchronized (this) {
      if (closed) {
        return true;
      }
      if (item instanceof Close) {
        closed = true;
      } else if (queue.size() >= maxQueued) {
        closed = true;
        overflowed = true;
        queue.clear();
        item = new Close(CloseCode.TRY_AGAIN_LATER.code(), "not reading");
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

  private void pump() {
    Item next;
    synchronized (this) {
      next = queue.poll();
      if (next == null) {
        sending = false;
        return;
      }
    }
    switch (next) {
      case Text t -> session.sendText(t.text(), Callback.from(this::pump, failure -> session.disconnect()));
      case Close c -> session.close(c.code(), c.reason(), Callback.NOOP);
    }
  }
}
