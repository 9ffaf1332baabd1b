package dev.videocall.contract.protocol;

import java.util.Optional;

/**
 * Every code an {@code error} frame can carry (docs/protocol.md, "Error codes"), with the close that
 * follows it, if any. The page's copy is {@code web/js/wire.js}, checked by {@code WireVocabularyTest}.
 */
public enum ErrorCode {
  BAD_JSON("bad-json", null),
  UNKNOWN_TYPE("unknown-type", null),
  BAD_MESSAGE("bad-message", null),
  TOO_LARGE("too-large", null),
  NOT_JOINED("not-joined", null),
  PEER_ABSENT("peer-absent", null),
  /** Sent by the gateway for each dropped frame; a client that keeps going is closed with 4008. */
  RATE_LIMITED("rate-limited", null),
  INVALID_LINK("invalid-link", CloseCode.INVALID_LINK),
  INVALID_TOKEN("invalid-token", CloseCode.INVALID_TOKEN),
  TOKEN_EXPIRED("token-expired", CloseCode.TOKEN_EXPIRED),
  CALL_FULL("call-full", CloseCode.CALL_FULL),
  REPLACED("replaced", CloseCode.REPLACED);

  private final String wireCode;
  private final CloseCode closeCode;

  ErrorCode(String wireCode, CloseCode closeCode) {
    this.wireCode = wireCode;
    this.closeCode = closeCode;
  }

  public String wireCode() {
    return wireCode;
  }

  /** The close that follows the error frame, or empty when the connection stays open. */
  public Optional<CloseCode> closeCode() {
    return Optional.ofNullable(closeCode);
  }
}
