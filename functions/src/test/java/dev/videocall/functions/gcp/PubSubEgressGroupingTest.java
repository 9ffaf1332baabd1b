package dev.videocall.functions.gcp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.videocall.contract.ConnectionRef;
import dev.videocall.contract.Delivery;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Consecutive deliveries to one connection become one egress message; order is never changed. */
class PubSubEgressGroupingTest {
  static final ConnectionRef ALICE = new ConnectionRef("gw-a", "a1");
  static final ConnectionRef BOB = new ConnectionRef("gw-b", "b1");

  static Delivery to(ConnectionRef target, int part) {
    return Delivery.frame(target, "{}", "b1", 7, part);
  }

  @Test
  void runsToTheSameConnectionAreGroupedInOrder() {
    List<Delivery> out = List.of(to(ALICE, 0), to(ALICE, 1), to(BOB, 2), to(ALICE, 3));
    List<List<Delivery>> groups = PubSubEgress.byConnection(out);
    assertEquals(List.of(List.of(to(ALICE, 0), to(ALICE, 1)), List.of(to(BOB, 2)), List.of(to(ALICE, 3))), groups);
  }

  @Test
  void nothingToDeliverIsNoMessage() {
    assertEquals(List.of(), PubSubEgress.byConnection(List.of()));
  }
}
