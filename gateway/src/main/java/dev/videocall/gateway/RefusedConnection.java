package dev.videocall.gateway;

import dev.videocall.contract.invite.InviteLinks;
import dev.videocall.contract.protocol.ErrorCode;
import dev.videocall.contract.protocol.ServerFrames;
import java.util.concurrent.ScheduledExecutorService;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.OpCode;

/**
 * A WebSocket opened only to be told why it cannot join: the documented error frame, then the close
 * code (a browser cannot read an HTTP status of a refused upgrade, so the page could not explain it).
 * Nothing it sends is forwarded, and a client that ignores the close loses the TCP connection after
 * the close grace.
 */
final class RefusedConnection implements FrameHandler {
  private final InviteLinks.Refused refused;
  private final ScheduledExecutorService timers;
  private CoreSession session;
  private volatile boolean closed;

  RefusedConnection(InviteLinks.Refused refused, ScheduledExecutorService timers) {
    this.refused = refused;
    this.timers = timers;
  }

  @Override
  public void onOpen(CoreSession coreSession, Callback callback) {
    session = coreSession;
    ErrorCode code = refused.code();
    int close = code.closeCode().orElseThrow(() -> new IllegalStateException(code + " does not close")).code();
    coreSession.sendFrame(new Frame(OpCode.TEXT, true, ServerFrames.error(code, refused.message())), Callback.NOOP, false);
    coreSession.close(close, code.wireCode(), Callback.NOOP);
    CloseGrace.start(timers, coreSession, () -> closed);
    callback.succeeded();
    // Read on, only to hear the client's answer to the close.
    coreSession.demand();
  }

  @Override
  public void onFrame(Frame frame, Callback callback) {
    callback.succeeded();
    if (frame.getOpCode() != OpCode.CLOSE) {
      session.demand();
    }
  }

  @Override
  public void onError(Throwable cause, Callback callback) {
    callback.succeeded();
  }

  @Override
  public void onClosed(CloseStatus status, Callback callback) {
    // Nothing to forward: nothing was.
    closed = true;
    callback.succeeded();
  }
}
