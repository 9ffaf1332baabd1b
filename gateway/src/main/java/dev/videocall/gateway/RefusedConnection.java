package dev.videocall.gateway;

import dev.videocall.contract.invite.InviteLinks;
import dev.videocall.contract.protocol.ErrorCode;
import dev.videocall.contract.protocol.ServerFrames;
import java.util.concurrent.ScheduledExecutorService;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * A WebSocket opened only to be told why it cannot join: the documented error frame, then the close
 * code (a browser cannot read an HTTP status of a refused upgrade, so the page could not explain it).
 * Nothing it sends is forwarded, and a client that ignores the close loses the TCP connection after
 * the close grace. Public only because Jetty invokes it reflectively.
 */
public final class RefusedConnection implements Session.Listener.AutoDemanding {
  private final InviteLinks.Refused refused;
  private final ScheduledExecutorService timers;
  private volatile boolean closed;

  RefusedConnection(InviteLinks.Refused refused, ScheduledExecutorService timers) {
    this.refused = refused;
    this.timers = timers;
  }

  @Override
  public void onWebSocketOpen(Session session) {
    ErrorCode code = refused.code();
    int close = code.closeCode().orElseThrow(() -> new IllegalStateException(code + " does not close")).code();
    session.sendText(ServerFrames.error(code, refused.message()), Callback.from(
        () -> session.close(close, code.wireCode(), Callback.NOOP),
        failure -> session.disconnect()));
    CloseGrace.start(timers, session, () -> closed);
  }

  @Override
  public void onWebSocketClose(int statusCode, String reason) {
    closed = true;
  }
}
