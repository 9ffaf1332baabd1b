package dev.videocall.gateway;

import dev.videocall.contract.invite.InviteLinks;
import dev.videocall.contract.protocol.ErrorCode;
import dev.videocall.contract.protocol.ServerFrames;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A WebSocket opened only to be told why it cannot join: the documented error frame, then the close
 * code (a browser cannot read an HTTP status of a refused upgrade, so the page could not explain it).
 * Nothing it sends is forwarded, and a client that ignores the close loses the TCP connection after
 * the close grace.
 */
final class RefusedConnection implements SocketListener {
  private final InviteLinks.Refused refused;
  private final ScheduledExecutorService timers;
  private volatile boolean closed;

  RefusedConnection(InviteLinks.Refused refused, ScheduledExecutorService timers) {
    this.refused = refused;
    this.timers = timers;
  }

  @Override
  public void opened(WebSocket socket) {
    ErrorCode code = refused.code();
    int close = code.closeCode().orElseThrow(() -> new IllegalStateException(code + " does not close")).code();
    socket.send(ServerFrames.error(code, refused.message()));
    socket.close(close, code.wireCode());
    CloseGrace.start(timers, socket, () -> closed);
  }

  @Override
  public void data(int opcode, byte[] bytes, int offset, int length, boolean fin) {
    // Not heard: the socket is only open to carry the refusal.
  }

  @Override
  public void refused(Refusal refusal) {
    // Closing already; the close grace ends the socket.
  }

  @Override
  public void closed(int code, String reason) {
    closed = true;
  }
}
