package dev.videocall.gateway;

import dev.videocall.contract.invite.InviteLinks;
import dev.videocall.contract.protocol.ErrorCode;
import dev.videocall.contract.protocol.ServerFrames;
import java.util.concurrent.ScheduledExecutorService;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OpCode;

/**
 * A WebSocket opened only to be told why it cannot join: the documented error frame, then the close
 * code (a browser cannot read an HTTP status of a refused upgrade, so the page could not explain it).
 * Nothing it sends is forwarded, and a client that ignores the close loses the TCP connection after
 * the close grace.
 */
final class RefusedConnection extends FrameEndpoint {
  private final InviteLinks.Refused refused;
  private final ScheduledExecutorService timers;
  private volatile boolean closed;

  RefusedConnection(InviteLinks.Refused refused, ScheduledExecutorService timers) {
    this.refused = refused;
    this.timers = timers;
  }

  @Override
  void opened(CoreSession session) {
    ErrorCode code = refused.code();
    int close = code.closeCode().orElseThrow(() -> new IllegalStateException(code + " does not close")).code();
    session.sendFrame(new Frame(OpCode.TEXT, ServerFrames.error(code, refused.message())), Callback.from(
        () -> session.close(close, code.wireCode(), Callback.NOOP),
        failure -> session.abort()), false);
    CloseGrace.start(timers, session, () -> closed);
  }

  @Override
  void data(Frame frame) {
    // Not heard: the socket is only open to carry the refusal.
  }

  @Override
  void closed(int code, String reason) {
    closed = true;
  }

  @Override
  void failed(Throwable cause) {
    // The close grace, or Jetty itself, ends the socket; nothing to forward.
  }
}
