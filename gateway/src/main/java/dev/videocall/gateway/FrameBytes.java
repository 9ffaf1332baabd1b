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
 * A text frame's UTF-8 bytes, written straight into a direct buffer borrowed from Jetty's pool at
 * its exact length: no byte array is made per frame, the socket writes from the buffer without the
 * JDK copying it first, and frames of a few KB share the pool's small buffers. The caller gives the
 * buffer back once it is written.
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

  /** The text's UTF-8 in a pooled buffer, ready to write (flush mode). */
  static RetainableByteBuffer of(CharSequence text, ByteBufferPool pool) {
    int length = text.length();
    char[] chars = chars(text, length);
    RetainableByteBuffer buffer = pool.acquire(utf8Length(chars, length), true);
    ByteBuffer bytes = buffer.getByteBuffer();
    int start = BufferUtil.flipToFill(bytes);
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

  /** The length of {@code text} in UTF-8, as {@link #of} writes it. */
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
