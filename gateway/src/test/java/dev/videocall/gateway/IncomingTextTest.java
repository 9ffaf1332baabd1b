package dev.videocall.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.videocall.contract.protocol.CloseCode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class IncomingTextTest {
  /** Takes the whole array as one frame's payload, placed in the middle of a larger read buffer as WebSocket hands it over. */
  private static String accept(IncomingText in, byte[] payload, boolean first, boolean fin) throws Refusal {
    byte[] buffer = new byte[payload.length + 20];
    java.util.Arrays.fill(buffer, (byte) 'x');
    System.arraycopy(payload, 0, buffer, 7, payload.length);
    return in.accept(buffer, 7, payload.length, first, fin);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aWholeFrameIsOneMessageAndALongerOneAfterAShortOneIsNotMixedWithIt() throws Exception {
    IncomingText in = new IncomingText(64 * 1024);
    String big = "{\"sdp\":\"" + "v=0\\r\\n".repeat(2000) + "\"}";
    assertEquals("{\"a\":1}", accept(in, utf8("{\"a\":1}"), true, true));
    assertEquals(big, accept(in, utf8(big), true, true));
    assertEquals("{}", accept(in, utf8("{}"), true, true));
    assertEquals("", accept(in, new byte[0], true, true), "an empty frame is an empty message (the core refuses it)");
  }

  @Test
  void fragmentsAreJoinedAndDecodedOnceTheLastArrives() throws Exception {
    IncomingText in = new IncomingText(64 * 1024);
    byte[] bytes = utf8("caf\u00e9 \ud83d\ude00!");
    // Cut inside the two-byte é and inside the four-byte emoji.
    assertNull(accept(in, java.util.Arrays.copyOfRange(bytes, 0, 4), true, false));
    assertNull(accept(in, java.util.Arrays.copyOfRange(bytes, 4, 8), false, false));
    assertNull(accept(in, new byte[0], false, false));
    assertEquals("caf\u00e9 \ud83d\ude00!", accept(in, java.util.Arrays.copyOfRange(bytes, 8, bytes.length), false, true));
    assertEquals("next", accept(in, utf8("next"), true, true), "nothing of the last message left over");
  }

  @Test
  void aMessageOverTheLimitIsRefusedWith1009AsSoonAsItPassesIt() throws Exception {
    IncomingText in = new IncomingText(10);
    assertEquals("0123456789", accept(in, utf8("0123456789"), true, true), "exactly the limit passes");
    assertNull(accept(in, utf8("012345"), true, false));
    Refusal r = assertThrows(Refusal.class, () -> accept(in, utf8("67890"), false, false));
    assertEquals(CloseCode.MESSAGE_TOO_BIG, r.code());
    assertThrows(Refusal.class, () -> accept(in, utf8("0123456789A"), true, true));
  }

  @Test
  void textThatIsNotUtf8IsRefusedWith1007WhileAGenuineReplacementCharacterPasses() throws Exception {
    IncomingText in = new IncomingText(1024);
    assertEquals("\ufffd ok", accept(in, utf8("\ufffd ok"), true, true));
    for (byte[] bad : new byte[][] {
        {(byte) 0xC3, 0x28}, // lead byte, no continuation
        {(byte) 0x80}, // continuation without a lead
        {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // an encoded surrogate
        {(byte) 0xC0, (byte) 0xAF}, // overlong '/'
        {(byte) 0xF0, (byte) 0x9F, (byte) 0x98}, // a four-byte character cut short at the end
    }) {
      Refusal r = assertThrows(Refusal.class, () -> accept(in, bad, true, true));
      assertEquals(CloseCode.INVALID_TEXT, r.code());
    }
  }
}
