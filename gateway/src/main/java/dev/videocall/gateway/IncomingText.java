package dev.videocall.gateway;

import dev.videocall.contract.protocol.CloseCode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One connection's text messages, made from its frames as Jetty parses them. It replaces Jetty's own
 * message aggregation, which grows a builder for every message and then copies it into a String
 * (docs/performance.md). A message in one frame (browsers send nothing else) is decoded straight
 * from the frame: one copy, into the String. Only a fragmented message is gathered here first.
 *
 * <p>The limits Jetty's aggregation enforced are enforced here: a message over the size limit is
 * refused with 1009 as soon as it passes it, and text that is not UTF-8 with 1007 (RFC 6455, 8.1).
 * Not thread-safe; Jetty hands one connection's frames over one at a time.
 */
final class IncomingText {

  /** The connection must be closed with {@link #code}. No stack trace: it is the client's fault, not ours. */
  static final class Refused extends Exception {
    private final CloseCode code;

    Refused(CloseCode code, String reason) {
      super(reason, null, false, false);
      this.code = code;
    }

    CloseCode code() {
      return code;
    }
  }

  /**
   * Where a frame's bytes are copied to be decoded: the frame's buffer is read-only and usually
   * outside the heap, and a String can be made only from an array. One per Jetty thread (at most
   * {@link Gateway#MAX_THREADS}), grown to the largest message seen, never past the size limit.
   */
  private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[4096]);

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
   * Jetty's buffer: it is read, never moved.
   */
  String accept(ByteBuffer payload, boolean first, boolean fin) throws Refused {
    int length = payload == null ? 0 : payload.remaining();
    if (first) {
      forgetPartial();
    }
    if (partialLength + length > maxBytes) {
      forgetPartial();
      throw new Refused(CloseCode.MESSAGE_TOO_BIG, "message too big");
    }
    if (first && fin) {
      byte[] scratch = scratch(length);
      if (length > 0) {
        payload.get(payload.position(), scratch, 0, length);
      }
      return decode(scratch, length);
    }
    append(payload, length);
    if (!fin) {
      return null;
    }
    byte[] whole = partial;
    int wholeLength = partialLength;
    forgetPartial();
    return decode(whole, wholeLength);
  }

  private void forgetPartial() {
    partial = null;
    partialLength = 0;
  }

  private void append(ByteBuffer payload, int length) {
    if (partial == null) {
      partial = new byte[Math.max(length, 1024)];
    } else if (partialLength + length > partial.length) {
      partial = Arrays.copyOf(partial, Math.min(maxBytes, Math.max(partialLength + length, 2 * partial.length)));
    }
    if (length > 0) {
      payload.get(payload.position(), partial, partialLength, length);
      partialLength += length;
    }
  }

  private static byte[] scratch(int length) {
    byte[] scratch = SCRATCH.get();
    if (scratch.length < length) {
      scratch = new byte[Math.max(length, 2 * scratch.length)];
      SCRATCH.set(scratch);
    }
    return scratch;
  }

  /**
   * The JDK's decoder replaces what is not UTF-8 with U+FFFD instead of failing. Only text with a
   * U+FFFD in it is checked again, strictly; for the ASCII that signaling is, that look costs
   * nothing (a Latin-1 String cannot hold the character).
   */
  private static String decode(byte[] bytes, int length) throws Refused {
    String text = new String(bytes, 0, length, StandardCharsets.UTF_8);
    if (text.indexOf('\uFFFD') >= 0) {
      try {
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(bytes, 0, length));
      } catch (CharacterCodingException e) {
        throw new Refused(CloseCode.INVALID_TEXT, "text is not UTF-8");
      }
    }
    return text;
  }
}
