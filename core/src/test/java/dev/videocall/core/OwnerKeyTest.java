package dev.videocall.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OwnerKeyTest {
  static final String KEY = "owner-key-0123456789abcdefXYZ";

  @Test
  void acceptsOnlyBearerWithTheKey() {
    OwnerKey key = OwnerKey.of(KEY);
    assertTrue(key.accepts("Bearer " + KEY));
    assertTrue(key.accepts("bearer " + KEY), "the scheme is case-insensitive");
    for (String wrong : new String[] {null, "", "Bearer", "Bearer ", KEY, "Basic " + KEY, "Bearer " + KEY + "x",
        "Bearer " + KEY.substring(1), "Bearer " + KEY.toUpperCase(), "Bearerx" + KEY}) {
      assertFalse(key.accepts(wrong), String.valueOf(wrong));
    }
  }

  @Test
  void refusesWeakOrUnprintableKeys() {
    for (String weak : new String[] {null, "", "short", "a".repeat(Limits.MIN_OWNER_KEY_CHARS - 1), "has a space in it 0123456789", "tab\tinside-0123456789abcdef"}) {
      assertThrows(IllegalArgumentException.class, () -> OwnerKey.of(weak), String.valueOf(weak));
    }
  }

  @Test
  void generatedKeysAreLongRandomAndAccepted() {
    String a = OwnerKey.generate();
    assertEquals(43, a.length());
    assertNotEquals(a, OwnerKey.generate());
    assertTrue(OwnerKey.of(a).accepts("Bearer " + a));
  }
}
