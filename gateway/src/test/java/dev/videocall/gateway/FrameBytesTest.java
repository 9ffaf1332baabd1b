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
  void textFramesAreAFinalTextHeaderAndTheJdksUtf8InABufferOfExactlyThatLength() {
    ArrayByteBufferPool pool = new ArrayByteBufferPool();
    for (String text : TEXTS) {
      for (CharSequence given : List.<CharSequence>of(text, new StringBuilder(text))) {
        RetainableByteBuffer buffer = FrameBytes.text(given, pool);
        ByteBuffer bytes = buffer.getByteBuffer();
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        assertEquals(0x81, bytes.get() & 0xFF, "FIN and TEXT, no reserved bit");
        int length7 = bytes.get();
        assertEquals(0, length7 & 0x80, "server frames are not masked");
        long length = length7 == 126 ? bytes.getShort() & 0xFFFF : length7 == 127 ? bytes.getLong() : length7;
        assertEquals(utf8.length, length, text);
        assertEquals(utf8.length < 126 ? utf8.length : utf8.length < 65536 ? 126 : 127, length7, "the shortest length form");
        byte[] written = new byte[bytes.remaining()];
        bytes.get(written);
        assertArrayEquals(utf8, written, text);
        buffer.release();
      }
    }
  }

  @Test
  void controlFramesCarryTheirPayloadAndACloseItsCodeAndAReasonCutTo123Bytes() {
    ArrayByteBufferPool pool = new ArrayByteBufferPool();
    assertArrayEquals(new byte[] {(byte) 0x8A, 3, 1, 2, 3}, bytes(FrameBytes.control(ClientFrame.PONG, new byte[] {1, 2, 3}, pool)));
    assertArrayEquals(new byte[] {(byte) 0x89, 0}, bytes(FrameBytes.control(ClientFrame.PING, new byte[0], pool)));
    assertArrayEquals(new byte[] {(byte) 0x88, 4, 0x0F, (byte) 0xA0, 'h', 'i'}, bytes(FrameBytes.close(4000, "hi", pool)));
    assertArrayEquals(new byte[] {(byte) 0x88, 0}, bytes(FrameBytes.close(PeerClose.NO_STATUS, "", pool)), "1005 is sent as no code at all");
    byte[] longClose = bytes(FrameBytes.close(1000, "r".repeat(300), pool));
    assertEquals(2 + 125, longClose.length);
    assertEquals(125, longClose[1]);
  }

  private static byte[] bytes(RetainableByteBuffer buffer) {
    ByteBuffer b = buffer.getByteBuffer();
    byte[] out = new byte[b.remaining()];
    b.get(out);
    buffer.release();
    return out;
  }

  @Test
  void theUtf8LengthIsWhatTheJdkEncodesToForEveryKindOfChar() {
    for (String text : TEXTS) {
      assertEquals(text.getBytes(StandardCharsets.UTF_8).length, FrameBytes.utf8Length(text), text);
    }
  }
}
