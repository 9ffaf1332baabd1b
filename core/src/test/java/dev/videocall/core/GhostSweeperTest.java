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

  /** In a call of four the ghost's peer-left reaches every connected member on a live gateway, by user id. */
  @Test
  void aGhostInACallOfFourIsReportedToEveryLiveConnectedMember() {
    java.util.List<String> people = java.util.List.of("alice", "bob", "carol", "dave");
    java.util.Map<String, Link> links = new java.util.HashMap<>();
    for (String user : people) {
      links.put(user, h.link(user, people.stream().filter(p -> !p.equals(user)).toList()));
    }
    h.open("b1", "gw-dead", links.get("bob"));
    h.open("d1", "gw-d", links.get("dave"));
    h.open("a1", "gw-a", links.get("alice"));
    h.open("c1", "gw-c", links.get("carol"));
    h.park("c1", "gw-c", links.get("carol"));

    GhostSweeper.Sweep sweep = sweeperWithDead(Set.of("gw-dead")).sweep();

    assertEquals(1, sweep.removed());
    assertEquals(java.util.List.of("a1", "d1"), sweep.deliveries().stream().map(Delivery::connectionId).toList(),
        "alice and dave, in user id order; parked carol hears nothing");
    assertEquals(java.util.List.of(0, 1), sweep.deliveries().stream().map(Delivery::part).toList());
    for (Delivery d : sweep.deliveries()) {
      JsonObject frame = JsonParser.parseString(d.frame()).getAsJsonObject();
      assertEquals("bob", frame.get("peerID").getAsString());
      assertEquals("timeout", frame.get("reason").getAsString());
    }
    assertEquals(Set.of("alice", "carol", "dave"), h.presence.participants(h.session).keySet());
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
