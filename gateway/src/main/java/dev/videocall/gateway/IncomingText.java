package dev.videocall.gateway;

import dev.videocall.contract.protocol.CloseCode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Text messages made from frames as {@link WebSocket} reads them. A message in one frame (browsers
 * send nothing else) is decoded straight from the read buffer by {@link #whole}: one copy, into the
 * String. An instance gathers one fragmented message, and exists only while one is under way.
 *
 * <p>A fragmented message over the size limit is refused with 1009 as soon as it passes it, and
 * text that is not UTF-8 with 1007 (RFC 6455, 8.1). Not thread-safe: a connection's frames are
 * handled one at a time.
 */
final class IncomingText {

  private final int maxBytes;
  /** The parts of a fragmented message received so far; null between messages. */
  private byte[] partial;
  private int partialLength;

  IncomingText(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  /**
   * Takes one frame of a text message: {@code first} for its TEXT frame, false for a CONTINUATION.
   * Returns the message when {@code fin} completes it, null while more is to come. The payload is
   * read, never kept.
   */
  String accept(byte[] bytes, int offset, int length, boolean first, boolean fin) throws Refusal {
    if (first) {
      forgetPartial();
    }
    if (partialLength + length > maxBytes) {
      forgetPartial();
      throw new Refusal(CloseCode.MESSAGE_TOO_BIG, "message too big");
    }
    if (first && fin) {
      return decode(bytes, offset, length);
    }
    append(bytes, offset, length);
    if (!fin) {
      return null;
    }
    byte[] whole = partial;
    int wholeLength = partialLength;
    forgetPartial();
    return decode(whole, 0, wholeLength);
  }

  private void forgetPartial() {
    partial = null;
    partialLength = 0;
  }

  private void append(byte[] bytes, int offset, int length) {
    if (partial == null) {
      partial = new byte[Math.max(length, 1024)];
    } else if (partialLength + length > partial.length) {
      partial = Arrays.copyOf(partial, Math.min(maxBytes, Math.max(partialLength + length, 2 * partial.length)));
    }
    System.arraycopy(bytes, offset, partial, partialLength, length);
    partialLength += length;
  }

  /** A message in one frame, decoded (its size was checked with the frame's). */
  static String whole(byte[] bytes, int offset, int length) throws Refusal {
    return decode(bytes, offset, length);
  }

  /**
   * The JDK's decoder replaces what is not UTF-8 with U+FFFD instead of failing. Only text with a
   * U+FFFD in it is checked again, strictly; for the ASCII that signaling is, that look costs
   * nothing (a Latin-1 String cannot hold the character).
   */
  private static String decode(byte[] bytes, int offset, int length) throws Refusal {
    String text = new String(bytes, offset, length, StandardCharsets.UTF_8);
    if (text.indexOf('\uFFFD') >= 0) {
      try {
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(bytes, offset, length));
      } catch (CharacterCodingException e) {
        throw new Refusal(CloseCode.INVALID_TEXT, "text is not UTF-8");
      }
    }
    return text;
  }
}
