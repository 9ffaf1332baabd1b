package dev.videocall.gateway;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.RetainableByteBuffer;
import org.eclipse.jetty.util.BufferUtil;

/**
 * The frames the server sends (RFC 6455, 5.2: unmasked), each written whole, header and payload,
 * straight into a direct buffer borrowed from Jetty's pool at its exact length: no byte array is
 * made per frame, the socket writes from the buffer without the JDK copying it first, and frames of
 * a few KB share the pool's small buffers. The caller gives the buffer back once it is written.
 *
 * <p>The loops run over an array, never through {@code CharSequence}: when they called {@code
 * charAt} on whatever text came, the JIT threw them away each time a new kind of text showed up,
 * and offers were encoded interpreted while it recompiled (docs/performance.md, round 3).
 */
final class FrameBytes {
  private FrameBytes() {}

  /** Encoders keep state while they work, so each thread has its own; a lone surrogate becomes '?'. */
  private static final ThreadLocal<CharsetEncoder> ENCODERS = ThreadLocal.withInitial(() ->
      StandardCharsets.UTF_8.newEncoder()
          .onMalformedInput(CodingErrorAction.REPLACE)
          .onUnmappableCharacter(CodingErrorAction.REPLACE));

  /** Each thread's chars of the frame it is encoding; as large as the largest frame it encoded. */
  private static final ThreadLocal<char[]> SCRATCH = ThreadLocal.withInitial(() -> new char[4096]);

  private static final int FIN = 0x80;

  /** A final TEXT frame of the text's UTF-8 in a pooled buffer, ready to write (flush mode). */
  static RetainableByteBuffer text(CharSequence text, ByteBufferPool pool) {
    int length = text.length();
    char[] chars = chars(text, length);
    int payloadLength = utf8Length(chars, length);
    RetainableByteBuffer buffer = pool.acquire(headerLength(payloadLength) + payloadLength, true);
    ByteBuffer bytes = buffer.getByteBuffer();
    int start = BufferUtil.flipToFill(bytes);
    header(bytes, ClientFrame.TEXT, payloadLength);
    // Signaling is ASCII: those chars are their own bytes. The JDK's encoder takes the rest from the
    // first char that is not.
    int i = 0;
    for (char c; i < length && (c = chars[i]) < 0x80; i++) {
      bytes.put((byte) c);
    }
    if (i < length) {
      CharsetEncoder encoder = ENCODERS.get().reset();
      encoder.encode(CharBuffer.wrap(chars, i, length - i), bytes, true);
      encoder.flush(bytes);
    }
    BufferUtil.flipToFlush(bytes, start);
    return buffer;
  }

  /** A PING or PONG frame with this payload (at most 125 bytes). */
  static RetainableByteBuffer control(int opcode, byte[] payload, ByteBufferPool pool) {
    RetainableByteBuffer buffer = pool.acquire(2 + payload.length, true);
    ByteBuffer bytes = buffer.getByteBuffer();
    int start = BufferUtil.flipToFill(bytes);
    header(bytes, opcode, payload.length);
    bytes.put(payload);
    BufferUtil.flipToFlush(bytes, start);
    return buffer;
  }

  /**
   * A CLOSE frame with this code and reason; the reason is cut, between two characters, to fit the
   * 123 bytes a close frame has room for. A code of 1005 sends an empty payload.
   */
  static RetainableByteBuffer close(int code, String reason, ByteBufferPool pool) {
    byte[] text = reason.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    int reasonLength = Math.min(text.length, ClientFrame.MAX_CONTROL_PAYLOAD - 2);
    // Cut between characters: browsers fail a close whose reason is not UTF-8 (and report 1006).
    while (reasonLength < text.length && reasonLength > 0 && (text[reasonLength] & 0xC0) == 0x80) {
      reasonLength--;
    }
    int payloadLength = code == PeerClose.NO_STATUS ? 0 : 2 + reasonLength;
    RetainableByteBuffer buffer = pool.acquire(2 + payloadLength, true);
    ByteBuffer bytes = buffer.getByteBuffer();
    int start = BufferUtil.flipToFill(bytes);
    header(bytes, ClientFrame.CLOSE, payloadLength);
    if (payloadLength > 0) {
      bytes.putShort((short) code).put(text, 0, reasonLength);
    }
    BufferUtil.flipToFlush(bytes, start);
    return buffer;
  }

  private static int headerLength(int payloadLength) {
    return payloadLength < 126 ? 2 : payloadLength < 65536 ? 4 : 10;
  }

  private static void header(ByteBuffer bytes, int opcode, int payloadLength) {
    bytes.put((byte) (FIN | opcode));
    if (payloadLength < 126) {
      bytes.put((byte) payloadLength);
    } else if (payloadLength < 65536) {
      bytes.put((byte) 126).putShort((short) payloadLength);
    } else {
      bytes.put((byte) 127).putLong(payloadLength);
    }
  }

  /** The length of {@code text} in UTF-8, as {@link #text} writes it. */
  static int utf8Length(CharSequence text) {
    return utf8Length(chars(text, text.length()), text.length());
  }

  /**
   * The text's chars in this thread's scratch array: a String is copied in bulk, the relayed frame's
   * view (the only other text) is read once, char by char.
   */
  private static char[] chars(CharSequence text, int length) {
    char[] chars = SCRATCH.get();
    if (chars.length < length) {
      chars = new char[Math.max(length, 2 * chars.length)];
      SCRATCH.set(chars);
    }
    if (text instanceof String s) {
      s.getChars(0, length, chars, 0);
    } else {
      for (int i = 0; i < length; i++) {
        chars[i] = text.charAt(i);
      }
    }
    return chars;
  }

  /** The UTF-8 length of the first {@code length} chars, as the encoder writes them. */
  private static int utf8Length(char[] chars, int length) {
    int bytes = length;
    for (int i = 0; i < length; i++) {
      char c = chars[i];
      if (c < 0x80) {
        continue;
      }
      if (c < 0x800) {
        bytes += 1;
      } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(chars[i + 1])) {
        bytes += 2; // four bytes for the two chars of the pair
        i++;
      } else if (!Character.isSurrogate(c)) {
        bytes += 2;
      }
    }
    return bytes;
  }
}
