package dev.videocall.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FunctionsConfigTest {

  @Test
  void defaults() {
    FunctionsConfig c = FunctionsConfig.fromEnv(Map.of());
    assertEquals(Duration.ofSeconds(30), c.heartbeatWindow());
    assertEquals(1, c.sweepPasses());
    assertEquals(Duration.ofSeconds(10), c.sweepInterval());
    assertNull(c.ownerKey());
    assertNull(c.publicBaseUrl());
    assertEquals(List.of(), c.allowedOrigins());
  }

  @Test
  void sweepPassesAreAtLeastOne() {
    assertEquals(1, FunctionsConfig.fromEnv(Map.of("SWEEP_PASSES", "0")).sweepPasses());
    assertEquals(6, FunctionsConfig.fromEnv(Map.of("SWEEP_PASSES", "6")).sweepPasses());
  }

  @Test
  void theOwnerKeyNeverAppearsInTheRecordsText() {
    FunctionsConfig c = FunctionsConfig.fromEnv(Map.of("OWNER_KEY", "s3cret-owner-key-value"));
    assertFalse(c.toString().contains("s3cret"), c.toString());
  }
}
