package dev.videocall.gateway;

import dev.videocall.contract.invite.InviteLinks;
import dev.videocall.contract.protocol.ErrorCode;
import dev.videocall.contract.protocol.ServerFrames;

/**
 * A WebSocket opened only to be told why it cannot join: the documented error frame, then the close
 * code (a browser cannot read an HTTP status of a refused upgrade, so the page could not explain it).
 * Nothing it sends is forwarded, and a client that ignores the close loses the TCP connection after
 * the close grace.
 */
final class RefusedConnection implements SocketListener {
  private final InviteLinks.Refused refused;

  RefusedConnection(InviteLinks.Refused refused) {
    this.refused = refused;
  }

  @Override
  public void opened(WebSocket socket) {
    ErrorCode code = refused.code();
    int close = code.closeCode().orElseThrow(() -> new IllegalStateException(code + " does not close")).code();
    socket.send(ServerFrames.error(code, refused.message()));
    // The socket ends the connection if the client has not finished the close within the grace.
    socket.close(close, code.wireCode());
  }

  @Override
  public boolean controlFrame() {
    return false;
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
    // Nothing to forward: nothing was.
  }
}
