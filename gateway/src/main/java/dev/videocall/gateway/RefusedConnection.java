package dev.videocall.gateway;

import dev.videocall.contract.invite.InviteLinks;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * A WebSocket opened only to be told why it cannot join: the documented error frame, then the close
 * code (a browser cannot read an HTTP status of a refused upgrade, so the page could not explain it).
 * Nothing it sends is read or forwarded. Public only because Jetty invokes it reflectively.
 */
public final class RefusedConnection implements Session.Listener.AutoDemanding {
  private final InviteLinks.Reason reason;

  RefusedConnection(InviteLinks.Reason reason) {
    this.reason = reason;
  }

  @Override
  public void onWebSocketOpen(Session session) {
    String frame = "{\"type\":\"error\",\"code\":\"" + reason.wireCode() + "\",\"message\":\"" + reason.message() + "\"}";
    session.sendText(frame, Callback.from(
        () -> session.close(reason.closeCode(), reason.wireCode(), Callback.NOOP),
        failure -> session.disconnect()));
  }
}
