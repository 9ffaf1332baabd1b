package dev.videocall.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.videocall.contract.protocol.CloseCode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** RFC 6455's client frames, read and checked (against real sockets: GatewayTest). */
class ClientFrameTest {
  static final byte[] MASK = {0x11, 0x22, 0x33, 0x44};

  /** A frame as a client sends it: masked with {@link #MASK} unless {@code masked} is false. */
  static byte[] frame(int first, byte[] payload, boolean masked) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(first);
    int maskBit = masked ? 0x80 : 0;
    if (payload.length < 126) {
      out.write(maskBit | payload.length);
    } else if (payload.length < 65536) {
      out.write(maskBit | 126);
      out.write(payload.length >> 8);
      out.write(payload.length);
    } else {
      out.write(maskBit | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        out.write((int) ((long) payload.length >> shift));
      }
    }
    if (masked) {
      out.writeBytes(MASK);
    }
    for (int i = 0; i < payload.length; i++) {
      out.write(masked ? payload[i] ^ MASK[i & 3] : payload[i]);
    }
    return out.toByteArray();
  }

  static Refusal refusal(byte[] bytes, int maxPayload) {
    return assertThrows(Refusal.class, () -> ClientFrame.read(bytes, 0, bytes.length, maxPayload));
  }

  @Test
  void readsEachLengthFormAndUnmasksInPlace() throws Exception {
    for (int size : new int[] {0, 1, 125, 126, 65535, 65536, 70_000}) {
      byte[] payload = "abcdefgh".repeat(size / 8 + 1).substring(0, size).getBytes(StandardCharsets.US_ASCII);
      byte[] bytes = frame(0x81, payload, true);
      ClientFrame f = ClientFrame.read(bytes, 0, bytes.length, 100_000);
      assertEquals(new ClientFrame(true, ClientFrame.TEXT, size < 126 ? 6 : size < 65536 ? 8 : 14, size), f);
      assertEquals(bytes.length, f.length());
      f.unmask(bytes, 0);
      assertArrayEquals(payload, java.util.Arrays.copyOfRange(bytes, f.headerLength(), f.length()), "size " + size);
    }
  }

  @Test
  void aFrameAtAnOffsetAndAHeaderNotAllThereYet() throws Exception {
    byte[] one = frame(0x01, "part".getBytes(StandardCharsets.US_ASCII), true);
    byte[] two = new byte[one.length + 3];
    System.arraycopy(one, 0, two, 3, one.length);
    ClientFrame f = ClientFrame.read(two, 3, one.length, 1024);
    assertEquals(new ClientFrame(false, ClientFrame.TEXT, 6, 4), f);
    f.unmask(two, 3);
    assertEquals("part", new String(two, 3 + 6, 4, StandardCharsets.US_ASCII));
    byte[] big = frame(0x82, new byte[300], true);
    for (int available = 0; available < 8; available++) {
      assertNull(ClientFrame.read(big, 0, available, 1024), available + " bytes are not a whole header");
    }
    assertEquals(300, ClientFrame.read(big, 0, 8, 1024).payloadLength(), "the header alone is enough to know the frame");
  }

  @Test
  void breachesOfTheRfcAreRefusedWith1002() {
    byte[] text = "x".getBytes(StandardCharsets.US_ASCII);
    byte[][] broken = {
        frame(0x81, text, false), // not masked
        frame(0xC1, text, true), // RSV1: no extension was agreed
        frame(0xA1, text, true), // RSV2
        frame(0x91, text, true), // RSV3
        frame(0x83, text, true), // opcode 3 is reserved
        frame(0x8B, text, true), // opcode 0xB is reserved
        frame(0x09, text, true), // a fragmented ping
        frame(0x88, new byte[126], true), // a close over 125 bytes
        {(byte) 0x82, (byte) 0xFF, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4}, // a length with its top bit set
    };
    for (byte[] b : broken) {
      assertEquals(CloseCode.PROTOCOL_ERROR, refusal(b, 1 << 20).code(), java.util.HexFormat.of().formatHex(b, 0, 2));
    }
  }

  @Test
  void aPayloadOverTheLimitIsRefusedWith1009FromItsHeaderAlone() throws Exception {
    byte[] header = java.util.Arrays.copyOf(frame(0x81, new byte[65_537], true), 14);
    assertEquals(CloseCode.MESSAGE_TOO_BIG, refusal(header, 65_536).code());
    byte[] exactly = frame(0x81, new byte[65_536], true);
    assertEquals(65_536, ClientFrame.read(exactly, 0, exactly.length, 65_536).payloadLength());
  }

  @Test
  void closePayloadsAreReadAndCheckedAsTheRfcSays() throws Exception {
    assertEquals(new PeerClose(PeerClose.NO_STATUS, ""), PeerClose.parse(new byte[0], 0, 0));
    byte[] parked = {0x10, 0x04, 'b', 'y', 'e'};
    assertEquals(new PeerClose(4100, "bye"), PeerClose.parse(parked, 0, parked.length));
    assertEquals(CloseCode.PROTOCOL_ERROR, assertThrows(Refusal.class, () -> PeerClose.parse(new byte[] {3}, 0, 1)).code());
    for (int code : new int[] {0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535}) {
      byte[] b = {(byte) (code >> 8), (byte) code};
      assertEquals(CloseCode.PROTOCOL_ERROR, assertThrows(Refusal.class, () -> PeerClose.parse(b, 0, 2)).code(), "code " + code);
    }
    for (int code : new int[] {1000, 1001, 1002, 1003, 1007, 1011, 1012, 1013, 1014, 3000, 4999}) {
      assertTrue(PeerClose.sendable(code), "code " + code);
    }
    byte[] badReason = {0x03, (byte) 0xE8, (byte) 0xC3, 0x28};
    assertEquals(CloseCode.INVALID_TEXT, assertThrows(Refusal.class, () -> PeerClose.parse(badReason, 0, 4)).code());
  }

  @Test
  void theHandshakesAcceptValueIsTheRfcsExample() {
    // RFC 6455, 1.3: this key gives this accept value.
    assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", WebSocketUpgrade.acceptFor("dGhlIHNhbXBsZSBub25jZQ=="));
    assertTrue(WebSocketUpgrade.validKey("dGhlIHNhbXBsZSBub25jZQ=="));
    for (String bad : new String[] {null, "", "short", "dGhlIHNhbXBsZSBub25jZQ", "dGhlIHNhbXBsZSBub25jZQ=!", "YWJjZGVmZ2hpamtsbW5vcHFy"}) {
      assertTrue(!WebSocketUpgrade.validKey(bad), String.valueOf(bad));
    }
  }
}
