package dev.videocall.core;

/**
 * Every refusal the core can send, with its wire code and, for fatal ones, the close code that
 * follows. The table in docs/protocol.md lists the same codes.
 */
public enum ErrorCode {
  BAD_JSON("bad-json", null),
  UNKNOWN_TYPE("unknown-type", null),
  BAD_MESSAGE("bad-message", null),
  TOO_LARGE("too-large", null),
  NOT_JOINED("not-joined", null),
  PEER_ABSENT("peer-absent", null),
  INVALID_LINK("invalid-link", 4000),
  INVALID_TOKEN("invalid-token", 4001),
  TOKEN_EXPIRED("token-expired", 4002),
  CALL_FULL("call-full", 4003),
  REPLACED("replaced", 4004),
  INTERNAL("internal", 1011);

  private final String wireCode;
  private final Integer closeCode;

  ErrorCode(String wireCode, Integer closeCode) {
    this.wireCode = wireCode;
    this.closeCode = closeCode;
  }

  public String wireCode() {
    return wireCode;
  }

  /** The WebSocket close code that follows the error frame, or null if the connection stays open. */
  public Integer closeCode() {
    return closeCode;
  }

  public boolean closesConnection() {
    return closeCode != null;
  }
}
