package dev.videocall.gateway;

/**
 * What one of our WebSockets hears, called by {@link WebSocket}: its frames one at a time on the
 * thread that read them, control frames and the close handshake already dealt with.
 */
interface SocketListener {

  /** The socket is open and frames may be sent; nothing has been read yet. */
  void opened(WebSocket socket);

  /**
   * A TEXT, BINARY or CONTINUATION frame, its payload unmasked in {@code bytes}; the array is
   * reused once this returns, so copy what is kept.
   */
  void data(int opcode, byte[] bytes, int offset, int length, boolean fin);

  /**
   * A ping or a pong arrived. False when it is over the client's budget: it is then ignored (a ping
   * is not answered), so that control frames cost the client its frame budget like any other.
   */
  boolean controlFrame();

  /**
   * The client broke the protocol or a limit; the socket is closing with {@code refusal}'s code
   * and reads nothing more.
   */
  void refused(Refusal refusal);

  /**
   * The connection has ended: the close handshake finished, or the connection failed or timed out.
   * {@code code} is the client's close code if it sent one, else ours, else 1006.
   */
  void closed(int code, String reason);
}
