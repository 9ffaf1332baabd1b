package dev.videocall.contract.invite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import org.junit.jupiter.api.Test;

class SigningKeysTest {
  static final byte[] K1 = "0123456789abcdef0123456789abcdef".getBytes();
  static final byte[] K2 = "fedcba9876543210fedcba9876543210".getBytes();

  @Test
  void theFirstKeySignsAndEveryKeyVerifies() {
    SigningKeys keys = SigningKeys.parse("new:" + Base64.getEncoder().encodeToString(K2) + ", old:" + Base64.getUrlEncoder().encodeToString(K1));
    assertEquals("new", keys.currentKeyId());
    assertArrayEquals(K2, keys.currentKey());
    assertArrayEquals(K1, keys.key("old").orElseThrow());
    assertTrue(keys.key("other").isEmpty());
  }

  @Test
  void badSpecsSayWhatIsWrong() {
    String k = Base64.getEncoder().encodeToString(K1);
    assertMessage("no invite signing keys configured", () -> SigningKeys.parse(" "));
    assertMessage("must be kid:base64key", () -> SigningKeys.parse(k));
    assertMessage("signing key id must match", () -> SigningKeys.parse("bad id:" + k));
    assertMessage("shorter than 32 bytes", () -> SigningKeys.parse("k:" + Base64.getEncoder().encodeToString(new byte[16])));
    assertMessage("not valid base64", () -> SigningKeys.parse("k:%%%"));
    assertMessage("listed twice", () -> SigningKeys.parse("k:" + k + ",k:" + k));
  }

  private static void assertMessage(String part, org.junit.jupiter.api.function.Executable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(e.getMessage().contains(part), "expected '" + part + "' in: " + e.getMessage());
  }
}
