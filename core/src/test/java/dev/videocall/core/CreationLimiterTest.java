package dev.videocall.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CreationLimiterTest {
  static final long SECOND = 1_000_000_000L;

  @Test
  void theBurstThenTheRatePerMinute() {
    CreationLimiter limiter = new CreationLimiter(10, 3, 100);
    for (int i = 0; i < 3; i++) {
      assertEquals(0, limiter.take("a", 0));
    }
    assertEquals(6, limiter.take("a", 0), "one call comes back every 6 s at 10 a minute");
    assertEquals(0, limiter.take("b", 0), "another key has its own bucket");
    assertEquals(1, limiter.take("a", 5 * SECOND), "a second to go");
    assertEquals(0, limiter.take("a", 6 * SECOND));
    assertEquals(6, limiter.take("a", 6 * SECOND));
  }

  @Test
  void aRefusedAttemptDoesNotPostponeTheNextToken() {
    CreationLimiter limiter = new CreationLimiter(60, 1, 100);
    assertEquals(0, limiter.take("a", 0));
    for (int i = 1; i < 10; i++) {
      assertTrue(limiter.take("a", i * SECOND / 10) > 0);
    }
    assertEquals(0, limiter.take("a", SECOND));
  }

  @Test
  void aFloodOfAddressesCannotGrowTheTableWithoutBound() {
    CreationLimiter limiter = new CreationLimiter(10, 20, 100);
    for (int i = 0; i < 10_000; i++) {
      limiter.take("address " + i, i * 1_000_000L);
    }
    assertTrue(limiter.tracked() <= 2 * 100 + 1_000, "bounded: " + limiter.tracked());
  }
}
