package dev.videocall.gateway;

import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.OpCode;

/**
 * What every socket of ours does with Jetty's core WebSocket session, below the frames it cares
 * about: read one frame at a time (Jetty reads the next once asked), answer pings, and leave the
 * close handshake to Jetty. The core session is used instead of Jetty's WebSocket API because the
 * API keeps a copy of the upgrade request, the HTTP objects it came with and a set of method handles
 * per socket, and wraps every frame in futures and callbacks (docs/performance.md measures both).
 */
abstract class FrameEndpoint implements FrameHandler {
  /** Set in {@link #onOpen}, before any frame arrives. */
  private volatile CoreSession session;

  /** The socket has opened; frames may be sent. */
  abstract void opened(CoreSession session);

  /**
   * A text, continuation or binary frame. Its payload is Jetty's buffer and is reused once this
   * returns: copy what is kept.
   */
  abstract void data(Frame frame);

  /** The socket is closed (the handshake finished, or the connection failed or timed out). */
  abstract void closed(int code, String reason);

  /** Jetty reports a failure on the socket; {@link #closed} follows. */
  abstract void failed(Throwable cause);

  final CoreSession session() {
    return session;
  }

  /** A failure here is a bug of ours: failing the callback has Jetty close the socket with 1011. */
  @Override
  public final void onOpen(CoreSession coreSession, Callback callback) {
    session = coreSession;
    try {
      opened(coreSession);
    } catch (RuntimeException bug) {
      callback.failed(bug);
      return;
    }
    callback.succeeded();
    coreSession.demand();
  }

  @Override
  public final void onFrame(Frame frame, Callback callback) {
    switch (frame.getOpCode()) {
      // Jetty answers the close once the callback completes, then reports onClosed.
      case OpCode.CLOSE -> callback.succeeded();
      case OpCode.PING -> {
        // The payload is Jetty's until the pong is written; a failure here means the output has closed.
        Callback next = Callback.from(() -> next(callback), failure -> next(callback));
        session.sendFrame(new Frame(OpCode.PONG, frame.getPayload()), next, false);
      }
      case OpCode.PONG -> next(callback);
      default -> {
        try {
          data(frame);
        } catch (RuntimeException bug) {
          callback.failed(bug);
          return;
        }
        next(callback);
      }
    }
  }

  private void next(Callback callback) {
    callback.succeeded();
    session.demand();
  }

  @Override
  public final void onError(Throwable cause, Callback callback) {
    try {
      failed(cause);
    } finally {
      callback.succeeded();
    }
  }

  @Override
  public final void onClosed(CloseStatus status, Callback callback) {
    try {
      closed(status.getCode(), status.getReason());
    } finally {
      callback.succeeded();
    }
  }
}
