package dev.videocall.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.io.RetainableByteBuffer;
import org.junit.jupiter.api.Test;

class FrameBytesTest {
  static final List<String> TEXTS = List.of(
      "",
      "{\"type\":\"candidate\"}",
      "gr\u00fc\u00df",                       // two bytes each
      "\u2603 \u65e5\u672c",                  // three
      "\ud83d\ude00 after a pair",            // four for the pair
      "\ud83d alone",                          // a lone high surrogate: '?'
      "alone \ude00",                          // a lone low surrogate: '?'
      "\ude00\ud83d reversed",                 // two lone halves
      "end \ud83d",                            // a high surrogate last
      "ascii first, then \u00e9 and \ud83d\ude00",
      "\u00e9".repeat(30_000));

  @Test
  void framesAreTheJdksUtf8InABufferOfExactlyThatLength() {
    ArrayByteBufferPool pool = new ArrayByteBufferPool();
    for (String text : TEXTS) {
      for (CharSequence given : List.<CharSequence>of(text, new StringBuilder(text))) {
        RetainableByteBuffer buffer = FrameBytes.of(given, pool);
        ByteBuffer bytes = buffer.getByteBuffer();
        byte[] written = new byte[bytes.remaining()];
        bytes.get(bytes.position(), written);
        assertArrayEquals(text.getBytes(StandardCharsets.UTF_8), written, text);
        buffer.release();
      }
    }
  }

  @Test
  void theUtf8LengthIsWhatTheJdkEncodesToForEveryKindOfChar() {
    for (String text : TEXTS) {
      assertEquals(text.getBytes(StandardCharsets.UTF_8).length, FrameBytes.utf8Length(text), text);
    }
  }
}
