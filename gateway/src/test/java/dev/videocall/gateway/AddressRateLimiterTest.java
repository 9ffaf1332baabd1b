package dev.videocall.gateway;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AddressRateLimiterTest {

  @Test
  void eachAddressHasItsOwnBudgetPerMinute() {
    AddressRateLimiter limiter = new AddressRateLimiter(2);
    assertTrue(limiter.tryAcquire("10.0.0.1", 0));
    assertTrue(limiter.tryAcquire("10.0.0.1", 1_000));
    assertFalse(limiter.tryAcquire("10.0.0.1", 2_000), "third within the minute");
    assertTrue(limiter.tryAcquire("10.0.0.2", 2_000), "another address is not affected");
  }

  @Test
  void aNewWindowStartsAfterAMinute() {
    AddressRateLimiter limiter = new AddressRateLimiter(1);
    assertTrue(limiter.tryAcquire("a", 0));
    assertFalse(limiter.tryAcquire("a", 59_999));
    assertTrue(limiter.tryAcquire("a", 60_000));
  }

  @Test
  void endedWindowsArePrunedOnceTheTableIsFull() {
    AddressRateLimiter limiter = new AddressRateLimiter(1, 100);
    for (int i = 0; i < 150; i++) {
      limiter.tryAcquire("old-" + i, 0);
    }
    assertFalse(limiter.tryAcquire("old-149", 1), "still counted within its minute");
    limiter.tryAcquire("new", 61_000);
    assertTrue(limiter.tracked() <= 2, "a minute later the ended windows are gone: " + limiter.tracked());
  }

  @Test
  void aFloodOfFreshAddressesCannotGrowTheTableWithoutBound() {
    AddressRateLimiter limiter = new AddressRateLimiter(1, 100);
    for (int i = 0; i < 10_000; i++) {
      limiter.tryAcquire("fresh-" + i, i); // one a millisecond, all within the same minute
    }
    assertTrue(limiter.tracked() <= 2 * 100 + 1_000, "bounded by twice the cap plus a second of arrivals: " + limiter.tracked());
  }
}
