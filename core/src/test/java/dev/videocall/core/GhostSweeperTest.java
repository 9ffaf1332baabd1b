package dev.videocall.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.videocall.contract.Delivery;
import dev.videocall.core.CallHarness.Link;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The sweeper on in-memory presence, with gateways declared dead by hand. */
class GhostSweeperTest {
  final CallHarness h = new CallHarness();
  final Link alice = h.link("alice", "bob");
  final Link bob = h.link("bob", "alice");

  GhostSweeper sweeperWithDead(Set<String> deadGateways) {
    h.liveness = (gateway, now) -> !deadGateways.contains(gateway);
    return new GhostSweeper(h.presence, h.liveness, h.clock);
  }

  @Test
  void aParticipantOnADeadGatewayIsRemovedAndThePeerHearsTimeout() {
    h.open("a1", "gw-a", alice);
    h.open("b1", "gw-b", bob);

    GhostSweeper.Sweep sweep = sweeperWithDead(Set.of("gw-a")).sweep();

    assertEquals(1, sweep.removed());
    assertEquals(1, sweep.deliveries().size(), "one peer-left, to bob");
    Delivery d = sweep.deliveries().get(0);
    assertEquals("b1", d.connectionId());
    assertEquals("gw-b", d.gatewayId());
    JsonObject frame = JsonParser.parseString(d.frame().toString()).getAsJsonObject();
    assertEquals("peer-left", frame.get("type").getAsString());
    assertEquals("alice", frame.get("peerID").getAsString());
    assertEquals("timeout", frame.get("reason").getAsString());
    assertEquals("a1", d.originConnectionId(), "named after the vanished connection, so a gateway can drop a repeat");
    assertEquals(Long.MAX_VALUE, d.originSeq());
    assertEquals(Set.of("bob"), h.presence.participants(h.session).keySet());
  }

  @Test
  void aSecondSweepFindsNothingMore() {
    h.open("a1", "gw-a", alice);
    h.open("b1", "gw-b", bob);
    GhostSweeper sweeper = sweeperWithDead(Set.of("gw-a"));
    sweeper.sweep();

    GhostSweeper.Sweep again = sweeper.sweep();

    assertEquals(0, again.removed());
    assertTrue(again.deliveries().isEmpty());
  }

  @Test
  void bothOnDeadGatewaysAreRemovedAndNobodyIsTold() {
    h.open("a1", "gw-a", alice);
    h.open("b1", "gw-b", bob);

    GhostSweeper.Sweep sweep = sweeperWithDead(Set.of("gw-a", "gw-b")).sweep();

    assertEquals(2, sweep.removed());
    assertTrue(sweep.deliveries().isEmpty(), "a peer on a dead gateway cannot hear anything: " + sweep.deliveries());
    assertTrue(h.presence.participants(h.session).isEmpty());
  }

  @Test
  void livePeopleAreLeftAlone() {
    h.open("a1", "gw-a", alice);
    h.open("b1", "gw-b", bob);

    GhostSweeper.Sweep sweep = sweeperWithDead(Set.of()).sweep();

    assertEquals(0, sweep.removed());
    assertEquals(Set.of("alice", "bob"), h.presence.participants(h.session).keySet());
  }

  @Test
  void parkedPeopleAreNeverSweptWhateverBecameOfTheirGateway() {
    h.open("a1", "gw-a", alice);
    h.open("b1", "gw-b", bob);
    h.park("a1", "gw-a", alice);
    h.park("b1", "gw-b", bob);

    GhostSweeper.Sweep sweep = sweeperWithDead(Set.of("gw-a", "gw-b")).sweep();

    assertEquals(0, sweep.removed(), "with every socket parked the gateways scale in; the call goes on");
    assertEquals(Set.of("alice", "bob"), h.presence.participants(h.session).keySet());
  }

  @Test
  void aConnectedGhostWhosePeerIsParkedIsRemovedAndNobodyIsTold() {
    h.open("a1", "gw-a", alice);
    h.open("b1", "gw-b", bob);
    h.park("b1", "gw-b", bob);

    GhostSweeper.Sweep sweep = sweeperWithDead(Set.of("gw-a")).sweep();

    assertEquals(1, sweep.removed());
    assertTrue(sweep.deliveries().isEmpty(), "bob is parked: nothing can reach him");
    assertEquals(Set.of("bob"), h.presence.participants(h.session).keySet());
  }
}
