package dev.videocall.gateway;

import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;

/**
 * One socket's outgoing frames, counted from the moment they are handed to Jetty (which writes them
 * in order) until Jetty has written them: relayed text, pings and pongs. Bounded in frames and in
 * payload bytes, so a client that stops reading is closed with 1013 instead of buffered.
 */
final class Outbound {
  private final CoreSession session;
  private final int maxFrames;
  private final long maxBytes;
  private int frames;
  private long bytes;

  Outbound(CoreSession session, int maxFrames, long maxBytes) {
    this.session = session;
    this.maxFrames = maxFrames;
    this.maxBytes = maxBytes;
  }

  /**
   * Hands the frame to Jetty; false, and nothing sent, when it does not fit (a frame always fits
   * when nothing is waiting). A frame sent after the close is dropped by Jetty.
   */
  boolean send(Frame frame) {
    int size = frame.getPayloadLength();
    synchronized (this) {
      if (frames >= maxFrames || (frames > 0 && bytes + size > maxBytes)) {
        return false;
      }
      frames++;
      bytes += size;
    }
    // Written or failed (the connection is gone), it no longer waits.
    session.sendFrame(frame, Callback.from(() -> written(size)), false);
    return true;
  }

  /** The payload bytes handed to Jetty and not yet written. */
  synchronized long queuedBytes() {
    return bytes;
  }

  private synchronized void written(int size) {
    frames--;
    bytes -= size;
  }
}
