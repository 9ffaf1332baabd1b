package dev.videocall.contract.protocol;

/**
 * Every WebSocket close code the server sends or the page sends or handles (docs/protocol.md, "Close
 * codes").
 * {@link #isFinal()} says whether reconnecting with the same link could ever help; the page's copy is
 * {@code web/js/wire.js}, checked against this enum by {@code WireVocabularyTest}.
 */
public enum CloseCode {
  NORMAL(1000, false),
  GOING_AWAY(1001, false),
  /** A frame that breaks RFC 6455 (unmasked, a reserved bit, a torn control frame): the client is broken. */
  PROTOCOL_ERROR(1002, true),
  /** A binary frame: the protocol is text only, so the client is broken. */
  BINARY_NOT_ACCEPTED(1003, true),
  /** A text message that is not UTF-8: the client is broken. */
  INVALID_TEXT(1007, true),
  /** A frame over the gateway's size limit. */
  MESSAGE_TOO_BIG(1009, true),
  SERVER_ERROR(1011, false),
  /** The instance is going away (deploy, scale-in, request timeout): reconnect at once. */
  SERVICE_RESTART(1012, false),
  /**
   * Try again later: the client did not read what it was sent, or its socket opened while the
   * instance was starting and the instance was not ready within the socket's wait.
   */
  TRY_AGAIN_LATER(1013, false),
  INVALID_LINK(4000, true),
  INVALID_TOKEN(4001, true),
  TOKEN_EXPIRED(4002, true),
  CALL_FULL(4003, true),
  /** The same person opened the call again elsewhere; the newer connection holds it. */
  REPLACED(4004, true),
  /** The client kept sending after being told it was over its frame-rate budget. */
  RATE_LIMITED(4008, false),
  /**
   * Sent by the page, never by the server: the call is established peer to peer and the page closes
   * its signaling socket until it needs the server again. The person stays in the call, parked
   * (docs/protocol.md, "Parking"); the page reopens the same link when it needs signaling.
   */
  PARKED(4100, false);

  private final int code;
  private final boolean isFinal;

  CloseCode(int code, boolean isFinal) {
    this.code = code;
    this.isFinal = isFinal;
  }

  public int code() {
    return code;
  }

  /** True when the page stops and explains instead of reconnecting. */
  public boolean isFinal() {
    return isFinal;
  }
}
