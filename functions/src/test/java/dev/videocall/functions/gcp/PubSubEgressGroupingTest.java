package dev.videocall.functions.gcp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.videocall.contract.ConnectionRef;
import dev.videocall.contract.Delivery;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An envelope's deliveries to one connection become one egress message, whatever lies between them;
 * the order towards each connection is never changed.
 */
class PubSubEgressGroupingTest {
  static final ConnectionRef ALICE = new ConnectionRef("gw-a", "a1");
  static final ConnectionRef BOB = new ConnectionRef("gw-b", "b1");

  static Delivery to(ConnectionRef target, int part) {
    return Delivery.frame(target, "{}", "b1", 7, part);
  }

  static final ConnectionRef CAROL = new ConnectionRef("gw-a", "c1");

  @Test
  void deliveriesToTheSameConnectionAreGroupedInOrder() {
    List<Delivery> out = List.of(to(ALICE, 0), to(ALICE, 1), to(BOB, 2), to(ALICE, 3));
    List<List<Delivery>> groups = PubSubEgress.byConnection(out);
    assertEquals(List.of(List.of(to(ALICE, 0), to(ALICE, 1), to(ALICE, 3)), List.of(to(BOB, 2))), groups);
  }

  /** A packed envelope in a call of three alternates two peers' candidates: still one publish per peer. */
  @Test
  void interleavedTargetsTakeOnePublishEach() {
    List<Delivery> out = List.of(to(ALICE, 0), to(CAROL, 1), to(ALICE, 2), to(CAROL, 3), to(ALICE, 4), to(CAROL, 5));
    assertEquals(List.of(List.of(to(ALICE, 0), to(ALICE, 2), to(ALICE, 4)), List.of(to(CAROL, 1), to(CAROL, 3), to(CAROL, 5))),
        PubSubEgress.byConnection(out));
  }

  @Test
  void nothingToDeliverIsNoMessage() {
    assertEquals(List.of(), PubSubEgress.byConnection(List.of()));
  }
}
