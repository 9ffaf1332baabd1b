package dev.videocall.gateway;

import dev.videocall.contract.protocol.CloseCode;

/**
 * The close frame a client sent: its code and reason (RFC 6455, 5.5.1 and 7.4). Pure.
 *
 * @param code 1005 when the frame carried none (the RFC's "no status received", never sent)
 */
record PeerClose(int code, String reason) {
  static final int NO_STATUS = 1005;

  /** Reads a close frame's unmasked payload; refuses a lone byte, a code no endpoint may send, and a reason that is not UTF-8. */
  static PeerClose parse(byte[] bytes, int offset, int length) throws Refusal {
    if (length == 0) {
      return new PeerClose(NO_STATUS, "");
    }
    if (length == 1) {
      throw new Refusal(CloseCode.PROTOCOL_ERROR, "a close payload of one byte");
    }
    int code = (bytes[offset] & 0xFF) << 8 | (bytes[offset + 1] & 0xFF);
    if (!sendable(code)) {
      throw new Refusal(CloseCode.PROTOCOL_ERROR, "close code " + code + " may not be sent");
    }
    // Decoded as text messages are: a reason that is not UTF-8 is refused with 1007.
    return new PeerClose(code, IncomingText.whole(bytes, offset + 2, length - 2));
  }

  /**
   * Codes an endpoint may put in a close frame: the RFC's and IANA's registered ones except those
   * reserved for reporting (1005, 1006, 1015), and 3000-4999 for libraries and applications.
   */
  static boolean sendable(int code) {
    return code >= 1000 && code <= 1003 || code >= 1007 && code <= 1014 || code >= 3000 && code <= 4999;
  }
}
