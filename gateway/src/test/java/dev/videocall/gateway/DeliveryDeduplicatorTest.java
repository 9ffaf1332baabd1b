package dev.videocall.gateway;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.videocall.contract.ConnectionRef;
import dev.videocall.contract.Delivery;
import org.junit.jupiter.api.Test;

class DeliveryDeduplicatorTest {
  final ConnectionRef target = new ConnectionRef("gw", "b1");
  final DeliveryDeduplicator dedup = new DeliveryDeduplicator();

  Delivery from(String origin, long seq, int part) {
    return Delivery.frame(target, "{}", origin, seq, part);
  }

  @Test
  void aRepeatIsDroppedAndSoIsAnythingOlder() {
    assertTrue(dedup.firstTime(from("a1", 3, 0)));
    assertFalse(dedup.firstTime(from("a1", 3, 0)), "the same delivery again");
    assertFalse(dedup.firstTime(from("a1", 2, 5)), "an older envelope");
    assertTrue(dedup.firstTime(from("a1", 3, 1)), "the next part of the same envelope");
    assertTrue(dedup.firstTime(from("a1", 4, 0)), "the next envelope");
  }

  @Test
  void originsAreTrackedApart() {
    assertTrue(dedup.firstTime(from("a1", 10, 0)));
    assertTrue(dedup.firstTime(from("a2", 0, 0)), "a new connection of the peer starts at 0");
    assertTrue(dedup.firstTime(from("sweeper-for-a1", Long.MAX_VALUE, 0)));
  }

  @Test
  void theThreeOriginsHeardFromMostRecentlyAreRemembered() {
    assertTrue(dedup.firstTime(from("self", 1, 0)));
    assertTrue(dedup.firstTime(from("peer", 1, 0)));
    assertTrue(dedup.firstTime(from("sweeper", 1, 0)));
    assertTrue(dedup.firstTime(from("self", 2, 0)), "heard from most recently: self, sweeper, then peer");
    assertTrue(dedup.firstTime(from("peer-next", 0, 0)), "a fourth origin takes the least recent's place");
    assertFalse(dedup.firstTime(from("self", 2, 0)));
    assertFalse(dedup.firstTime(from("sweeper", 1, 0)));
    assertFalse(dedup.firstTime(from("peer-next", 0, 0)));
    assertTrue(dedup.firstTime(from("peer", 1, 0)), "forgotten: it was the least recent of four");
  }
}
