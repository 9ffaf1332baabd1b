package dev.videocall.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalConfigTest {

  @Test
  void withNothingConfiguredTheRunMakesItsOwnKeysAndTheDoorChecksLinksWithThem() {
    LocalConfig c = LocalConfig.fromEnv(Map.of());
    assertTrue(c.core().signingKeysGenerated());
    assertEquals(c.core().signingKeySpec(), c.gateway().inviteSigningKeys(), "the gateway checks links with the core's keys");
    assertTrue(c.ownerKeyGenerated());
    assertNotNull(c.ownerKey());
    assertEquals(List.of("alice", "bob"), c.callUsers());
  }

  @Test
  void theStarterCallNeedsExactlyTwoNames() {
    assertEquals(List.of("carol", "dave"), LocalConfig.fromEnv(Map.of("CALL_USERS", "carol, dave")).callUsers());
    var e = assertThrows(IllegalArgumentException.class, () -> LocalConfig.fromEnv(Map.of("CALL_USERS", "carol")));
    assertTrue(e.getMessage().contains("CALL_USERS"), e.getMessage());
  }

  @Test
  void thePortOpensColdUnlessAWarmUpIsAskedFor() {
    assertEquals(0, LocalConfig.fromEnv(Map.of()).warmUpMessages());
    assertEquals(20_000, LocalConfig.fromEnv(Map.of("WARM_UP_MESSAGES", "20000")).warmUpMessages());
  }

  @Test
  void theOwnerKeyNeverAppearsInTheRecordsText() {
    LocalConfig c = LocalConfig.fromEnv(Map.of());
    assertFalse(c.toString().contains(c.ownerKey()), c.toString());
  }
}
