package dev.videocall.gateway;

import dev.videocall.contract.protocol.CloseCode;

/**
 * One frame as a browser sends it (RFC 6455, 5.2), read from bytes that hold it whole or only its
 * start. Pure: it neither reads nor keeps anything. The checks are the ones a server that agreed no
 * extension must make: no reserved bit, a known opcode, a mask, control frames whole and at most
 * 125 bytes, and a payload within the gateway's limit, refused from the header before any of it is
 * read.
 *
 * @param headerLength bytes before the payload (2 to 14, the mask included)
 */
record ClientFrame(boolean fin, int opcode, int headerLength, int payloadLength) {
  static final int CONTINUATION = 0x0;
  static final int TEXT = 0x1;
  static final int BINARY = 0x2;
  static final int CLOSE = 0x8;
  static final int PING = 0x9;
  static final int PONG = 0xA;
  /** A control frame's payload limit (RFC 6455, 5.5). */
  static final int MAX_CONTROL_PAYLOAD = 125;

  int length() {
    return headerLength + payloadLength;
  }

  /**
   * The frame starting at {@code bytes[offset]}, or null when fewer than its header's bytes are
   * there yet ({@code available}). Its payload may still be incomplete: compare {@link #length()}.
   */
  static ClientFrame read(byte[] bytes, int offset, int available, int maxPayload) throws Refusal {
    if (available < 2) {
      return null;
    }
    int first = bytes[offset] & 0xFF;
    int second = bytes[offset + 1] & 0xFF;
    if ((first & 0x70) != 0) {
      throw protocol("reserved bits set (no extension was agreed)");
    }
    int opcode = first & 0x0F;
    if (opcode > BINARY && opcode < CLOSE || opcode > PONG) {
      throw protocol("unknown opcode " + opcode);
    }
    if ((second & 0x80) == 0) {
      throw protocol("client frames must be masked");
    }
    boolean fin = (first & 0x80) != 0;
    int length7 = second & 0x7F;
    int lengthBytes = length7 == 126 ? 2 : length7 == 127 ? 8 : 0;
    int headerLength = 2 + lengthBytes + 4;
    if (available < headerLength) {
      return null;
    }
    long length = length7;
    if (lengthBytes > 0) {
      length = 0;
      for (int i = 0; i < lengthBytes; i++) {
        length = length << 8 | (bytes[offset + 2 + i] & 0xFF);
      }
      if (length < 0) {
        throw protocol("payload length has its top bit set");
      }
    }
    if (opcode >= CLOSE && (!fin || length > MAX_CONTROL_PAYLOAD)) {
      throw protocol("control frames must be whole and at most 125 bytes");
    }
    if (length > maxPayload) {
      throw new Refusal(CloseCode.MESSAGE_TOO_BIG, "message too big");
    }
    return new ClientFrame(fin, opcode, headerLength, (int) length);
  }

  /** Unmasks the payload in place with the mask that ends the header. */
  void unmask(byte[] bytes, int offset) {
    int mask = offset + headerLength - 4;
    int payload = offset + headerLength;
    for (int i = 0; i < payloadLength; i++) {
      bytes[payload + i] ^= bytes[mask + (i & 3)];
    }
  }

  private static Refusal protocol(String why) {
    return new Refusal(CloseCode.PROTOCOL_ERROR, why);
  }
}
