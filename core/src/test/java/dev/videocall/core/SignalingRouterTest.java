package dev.videocall.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.videocall.contract.Delivery;
import dev.videocall.contract.Envelope;
import dev.videocall.core.CallHarness.Link;
import java.util.List;
import org.junit.jupiter.api.Test;

class SignalingRouterTest {
  final CallHarness h = new CallHarness();
  final Link alice = h.link("alice", "bob");
  final Link bob = h.link("bob", "alice");

  @Test
  void firstJoinerWaitsAndSecondOffers() {
    h.open("a1", "gw1", alice);
    JsonObject welcomeA = h.lastFrameTo("a1");
    assertEquals("welcome", welcomeA.get("type").getAsString());
    assertEquals("answerer", welcomeA.get("role").getAsString());
    assertFalse(welcomeA.get("peerPresent").getAsBoolean());
    assertTrue(welcomeA.get("polite").getAsBoolean(), "alice sorts first, so she is polite");
    assertEquals("stun:stun.example:3478", welcomeA.getAsJsonArray("iceServers").get(0).getAsJsonObject().getAsJsonArray("urls").get(0).getAsString());

    h.open("b1", "gw2", bob);
    JsonObject welcomeB = h.lastFrameTo("b1");
    assertEquals("offerer", welcomeB.get("role").getAsString());
    assertTrue(welcomeB.get("peerPresent").getAsBoolean());
    assertFalse(welcomeB.get("polite").getAsBoolean());
    JsonObject joined = h.lastFrameTo("a1");
    assertEquals("peer-joined", joined.get("type").getAsString());
    assertEquals("bob", joined.get("peerID").getAsString());
    assertEquals("gw1", h.to("a1").get(1).gatewayId(), "peer-joined goes to alice's own gateway");
    assertEquals(welcomeB.get("epoch").getAsLong(), joined.get("epoch").getAsLong(), "both messages of bob's join carry its epoch");
    assertTrue(joined.get("epoch").getAsLong() > welcomeA.get("epoch").getAsLong(),
        "alice can tell peer-joined is newer than her welcome, whichever arrives first");
  }

  @Test
  void peerLeftCarriesAnEpochNewerThanThePeerJoinedBeforeIt() {
    h.open("a1", "gw1", alice);
    h.open("b1", "gw2", bob);
    long joinedEpoch = h.lastFrameTo("a1").get("epoch").getAsLong();
    h.close("b1", "gw2", bob);
    JsonObject left = h.lastFrameTo("a1");
    assertEquals("peer-left", left.get("type").getAsString());
    h.open("b2", "gw2", bob);
    JsonObject back = h.lastFrameTo("a1");
    assertEquals("peer-joined", back.get("type").getAsString());
    assertTrue(joinedEpoch < left.get("epoch").getAsLong() && left.get("epoch").getAsLong() < back.get("epoch").getAsLong(),
        "a client that receives the reconnect's peer-joined before the old peer-left can drop the stale one");
  }

  @Test
  void relaysToThePeersCurrentConnectionWithTheBoundSender() {
    h.open("a1", "gw1", alice);
    h.open("b1", "gw2", bob);
    h.frame("b1", "gw2", bob, "{\"type\":\"offer\",\"sdp\":\"v=0\",\"from\":\"carol\",\"to\":\"alice\"}");
    JsonObject offer = h.lastFrameTo("a1");
    assertEquals("offer", offer.get("type").getAsString());
    assertEquals("bob", offer.get("from").getAsString());
    assertNull(offer.get("to"));
    h.frame("a1", "gw1", alice, "{\"type\":\"answer\",\"sdp\":\"v=0 answer\"}");
    assertEquals("answer", h.lastFrameTo("b1").get("type").getAsString());
  }

  @Test
  void userIdsAreCaseInsensitiveAsInTheOriginalLinks() {
    Link upper = new Link("ALICE", "Bob", alice.token());
    h.open("a1", "gw1", upper);
    assertEquals("welcome", h.lastFrameTo("a1").get("type").getAsString());
    assertEquals("alice", h.lastFrameTo("a1").get("userID").getAsString());
  }

  @Test
  void aThirdPersonIsRefusedAndTheCallIsUntouched() {
    h.open("a1", "gw1", alice);
    h.open("b1", "gw1", bob);
    int before = h.deliveries.size();
    Link carol = h.link("carol", "alice"); // a genuine token for this session, but another pair
    h.open("c1", "gw1", carol);
    Delivery refusal = h.to("c1").get(0);
    assertEquals(4003, refusal.closeCode());
    assertEquals("call-full", h.framesTo("c1").get(0).get("code").getAsString());
    assertEquals(before + 1, h.deliveries.size(), "only the refused connection heard anything");
    assertEquals(2, h.presence.participants(h.session).size());
    h.frame("b1", "gw1", bob, "{\"type\":\"bye\"}");
    assertEquals("peer-left", h.lastFrameTo("a1").get("type").getAsString());
  }

  @Test
  void badLinksAreClosedWithTheirCodes() {
    h.open("x1", "gw1", new Link("alice", "bob", alice.token().replace("v1.", "v1.x")));
    assertEquals(4001, h.to("x1").get(0).closeCode());
    h.open("x2", "gw1", new Link("alice", "bob", null));
    assertEquals(4000, h.to("x2").get(0).closeCode());
    h.open("x3", "gw1", new Link("alice", "alice", alice.token()));
    assertEquals(4000, h.to("x3").get(0).closeCode());
    h.open("x4", "gw1", new Link("al ice", "bob", alice.token()));
    assertEquals(4000, h.to("x4").get(0).closeCode());
    h.open("x5", "gw1", new Link("bob", "alice", alice.token())); // alice's token presented by bob
    assertEquals(4001, h.to("x5").get(0).closeCode());
    Link expiring = new Link("alice", "bob", h.tokens.mint(h.session, "alice", "bob", h.clock.instant().plusSeconds(5)));
    h.nowMillis.addAndGet(5_000);
    h.open("x6", "gw1", expiring);
    assertEquals(4002, h.to("x6").get(0).closeCode());
    assertEquals("token-expired", h.framesTo("x6").get(0).get("code").getAsString());
    assertEquals(0, h.presence.participants(h.session).size(), "no refused link joined");
  }

  @Test
  void aCallOutlivesItsLinksExpiry() {
    Link shortA = new Link("alice", "bob", h.tokens.mint(h.session, "alice", "bob", h.clock.instant().plusSeconds(5)));
    h.open("a1", "gw1", shortA);
    h.open("b1", "gw1", bob);
    h.nowMillis.addAndGet(60_000);
    h.frame("a1", "gw1", shortA, "{\"type\":\"offer\",\"sdp\":\"v=0\"}");
    assertEquals("offer", h.lastFrameTo("b1").get("type").getAsString());
  }

  @Test
  void framesBeforeJoiningAndFromRefusedConnectionsGetNotJoined() {
    h.frame("a1", "gw1", alice, "{\"type\":\"offer\",\"sdp\":\"v=0\"}");
    assertEquals("not-joined", h.lastFrameTo("a1").get("code").getAsString());
    h.frame("z1", "gw1", new Link("alice", "bob", "forged"), "{\"type\":\"offer\",\"sdp\":\"v=0\"}");
    assertEquals("not-joined", h.lastFrameTo("z1").get("code").getAsString());
    assertNull(h.to("a1").get(0).closeCode(), "the connection stays open");
  }

  @Test
  void badFramesGetErrorFramesAndTheCallGoesOn() {
    h.open("a1", "gw1", alice);
    h.open("b1", "gw1", bob);
    for (String bad : List.of("nope", "{\"type\":\"dance\"}", "{\"type\":\"offer\"}", "{\"type\":\"offer\",\"sdp\":\"" + "x".repeat(40_000) + "\"}")) {
      h.frame("a1", "gw1", alice, bad);
      JsonObject err = h.lastFrameTo("a1");
      assertEquals("error", err.get("type").getAsString(), bad);
    }
    assertEquals(List.of("bad-json", "unknown-type", "bad-message", "too-large"),
        h.framesTo("a1").stream().filter(f -> f.get("type").getAsString().equals("error")).map(f -> f.get("code").getAsString()).toList());
    assertEquals(1, h.framesTo("b1").size(), "bob saw only his welcome, nothing of alice's bad frames");
    h.frame("a1", "gw1", alice, "{\"type\":\"offer\",\"sdp\":\"v=0\"}");
    assertEquals("offer", h.lastFrameTo("b1").get("type").getAsString());
  }

  @Test
  void messagesToAnAbsentPeerAreRefused() {
    h.open("a1", "gw1", alice);
    h.frame("a1", "gw1", alice, "{\"type\":\"offer\",\"sdp\":\"v=0\"}");
    assertEquals("peer-absent", h.lastFrameTo("a1").get("code").getAsString());
  }

  @Test
  void byeTellsThePeerHangupAndTheLaterCloseSaysNothingMore() {
    h.open("a1", "gw1", alice);
    h.open("b1", "gw1", bob);
    h.frame("b1", "gw1", bob, "{\"type\":\"bye\"}");
    JsonObject left = h.lastFrameTo("a1");
    assertEquals("peer-left", left.get("type").getAsString());
    assertEquals("hangup", left.get("reason").getAsString());
    int seen = h.framesTo("a1").size();
    h.close("b1", "gw1", bob);
    assertEquals(seen, h.framesTo("a1").size());
  }

  @Test
  void aClosedConnectionMeansPeerLeftDisconnected() {
    h.open("a1", "gw1", alice);
    h.open("b1", "gw1", bob);
    h.close("b1", "gw1", bob);
    assertEquals("disconnected", h.lastFrameTo("a1").get("reason").getAsString());
    h.open("b2", "gw2", bob);
    assertEquals("peer-joined", h.lastFrameTo("a1").get("type").getAsString());
    assertEquals("offerer", h.lastFrameTo("b2").get("role").getAsString());
  }

  @Test
  void aSecondConnectionReplacesTheFirstAndTheOldCloseIsIgnored() {
    h.open("a1", "gw1", alice);
    h.open("b1", "gw1", bob);
    h.open("a2", "gw2", alice);
    Delivery replaced = h.to("a1").get(h.to("a1").size() - 1);
    assertEquals(4004, replaced.closeCode());
    assertEquals("replaced", h.lastFrameTo("a1").get("code").getAsString());
    assertEquals("peer-joined", h.lastFrameTo("b1").get("type").getAsString());
    int bobFrames = h.framesTo("b1").size();
    h.close("a1", "gw1", alice);
    assertEquals(bobFrames, h.framesTo("b1").size(), "the old connection's close does not make alice leave");
    h.frame("a1", "gw1", alice, "{\"type\":\"offer\",\"sdp\":\"v=0\"}");
    assertEquals("not-joined", h.lastFrameTo("a1").get("code").getAsString());
    h.frame("b1", "gw1", bob, "{\"type\":\"offer\",\"sdp\":\"v=0\"}");
    assertEquals("a2", h.to("a2").get(h.to("a2").size() - 1).connectionId());
    assertEquals("offer", h.lastFrameTo("a2").get("type").getAsString());
  }

  /**
   * A parked page hangs up: its bye goes on a socket of its own (a-bye), and the person opens the
   * link again a moment later (a-back). In the cloud the two opens may be handled in either order;
   * the one opened later must win either way.
   */
  @Test
  void aConnectionOpenedLaterWinsEvenWhenItsJoinIsHandledFirst() {
    h.open("a1", "gw1", alice);
    h.open("b1", "gw2", bob);
    h.park("a1", "gw1", alice);
    h.park("b1", "gw2", bob);
    long byeOpened = h.nowMillis.get() + 100;
    h.nowMillis.addAndGet(900);
    h.open("a-back", "gw2", alice);
    h.openedAt("a-bye", "gw1", alice, byeOpened);
    assertEquals("welcome", h.framesTo("a-back").get(0).get("type").getAsString());
    assertEquals(1, h.to("a-back").size(), "the newer connection is not closed");
    Delivery refused = h.to("a-bye").get(h.to("a-bye").size() - 1);
    assertEquals(4004, refused.closeCode(), "the older one is closed as replaced");
    assertEquals(List.of("error"), h.framesTo("a-bye").stream().map(CallHarness::type).toList(), "and gets no welcome");
    assertEquals("replaced", h.lastFrameTo("a-bye").get("code").getAsString());
    h.frame("a-bye", "gw1", alice, "{\"type\":\"bye\"}");
    assertEquals("not-joined", h.lastFrameTo("a-bye").get("code").getAsString(), "its bye ends nothing");
    h.close("a-bye", "gw1", alice);
    assertEquals("a-back", h.presence.participants(h.session).get("alice").connection().connectionId());
    h.open("b2", "gw2", bob);
    assertTrue(h.lastFrameTo("b2").get("peerPresent").getAsBoolean(), "bob finds alice there, on her newer connection");
    assertEquals("peer-joined", h.lastFrameTo("a-back").get("type").getAsString());
  }

  @Test
  void aRetriedOpenIsHarmlessAndDeliveriesKeepTheirIds() {
    h.open("a1", "gw1", alice);
    var first = h.to("a1").get(0);
    var again = h.router.handle(new Envelope("a1", "gw1", Envelope.Event.OPEN, 0, "alice", "bob", alice.token(), null, null, "ua", null)).get(0);
    assertEquals(first.originSeq(), again.originSeq());
    assertEquals(first.part(), again.part());
    assertNull(again.closeCode(), "the same connection is not replaced by itself");
  }

  @Test
  void aPeerOnADeadGatewayCountsAsGone() {
    h.open("a1", "gw-dead", alice);
    h.liveness = (gateway, now) -> !gateway.equals("gw-dead");
    h.open("b1", "gw1", bob);
    assertFalse(h.lastFrameTo("b1").get("peerPresent").getAsBoolean());
    assertEquals(1, h.to("a1").size(), "nothing was sent towards the dead gateway after alice's welcome");
    h.frame("b1", "gw1", bob, "{\"type\":\"offer\",\"sdp\":\"v=0\"}");
    assertEquals("peer-absent", h.lastFrameTo("b1").get("code").getAsString());
  }

  @Test
  void twoCallsNeverMix() {
    h.open("a1", "gw1", alice);
    h.open("b1", "gw1", bob);
    String otherSession = h.session;
    h.session = h.tokens.newSessionId();
    Link carolLink = h.link("carol", "dave");
    Link daveLink = h.link("dave", "carol");
    assertNotEquals(otherSession, h.session);
    h.open("c1", "gw1", carolLink);
    h.open("d1", "gw1", daveLink);
    h.frame("c1", "gw1", carolLink, "{\"type\":\"offer\",\"sdp\":\"v=0\"}");
    assertEquals("carol", h.lastFrameTo("d1").get("from").getAsString());
    assertEquals("peer-joined", h.lastFrameTo("a1").get("type").getAsString(), "alice heard nothing from carol's call");
  }

  @Test
  void framesPackedInOneEnvelopeAreHandledInOrderAsIfEachCameAlone() {
    h.open("a1", "gw1", alice);
    h.open("b1", "gw2", bob);
    int before = h.framesTo("a1").size();
    h.frames("b1", "gw2", bob,
        "{\"type\":\"offer\",\"sdp\":\"v=0\"}",
        "not json",
        candidate(1),
        "{\"type\":\"bye\"}",
        candidate(2));
    List<JsonObject> toAlice = h.framesTo("a1").subList(before, h.framesTo("a1").size());
    assertEquals(List.of("offer", "candidate", "peer-left"), toAlice.stream().map(CallHarness::type).toList());
    assertEquals("hangup", toAlice.get(2).get("reason").getAsString());
    List<JsonObject> toBob = h.framesTo("b1");
    assertEquals("bad-json", toBob.get(toBob.size() - 2).get("code").getAsString(), "the bad frame is refused in its place");
    assertEquals("not-joined", toBob.get(toBob.size() - 1).get("code").getAsString(), "after bye, the last frame is not relayed");
    List<Delivery> all = h.deliveries;
    synchronized (all) {
      List<Integer> parts = all.stream().filter(d -> d.originConnectionId().equals("b1") && d.originSeq() == 5).map(Delivery::part).toList();
      assertEquals(List.of(0, 1, 2, 3, 4), parts, "one envelope's deliveries are numbered in order, so a repeat is dropped whole");
    }
  }

  @Test
  void aPackedEnvelopeReadsTheCallsParticipantsOnce() {
    java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
    PresenceStore counting = new PresenceStore() {
      @Override public JoinResult join(Join join) { return h.presence.join(join); }
      @Override public LeaveResult leave(String s, String u, String c, java.time.Instant now, long sent) { return h.presence.leave(s, u, c, now, sent); }
      @Override public ParkResult park(String s, String u, String c, java.time.Instant now, long sent) { return h.presence.park(s, u, c, now, sent); }
      @Override public java.util.Map<String, Participant> participants(String s) { reads.incrementAndGet(); return h.presence.participants(s); }
      @Override public List<String> openSessionIds(int limit) { return h.presence.openSessionIds(limit); }
    };
    SignalingRouter router = new SignalingRouter(h.tokens, counting, GatewayLiveness.ALWAYS_ALIVE, IceServers.stunOnly(List.of()), h.clock);
    router.handle(Envelope.open("a1", "gw1", "alice", "bob", alice.token(), "ua"));
    router.handle(Envelope.open("b1", "gw2", "bob", "alice", bob.token(), "ua"));
    reads.set(0);
    List<Delivery> out = router.handle(new Envelope("b1", "gw2", Envelope.Event.FRAME, 11, "bob", "alice", bob.token(),
        java.util.stream.IntStream.range(0, 10).mapToObj(SignalingRouterTest::candidate).toList(), null, null, null));
    assertEquals(10, out.size(), "ten candidates relayed");
    assertEquals(1, reads.get(), "one presence read for the whole envelope");
  }

  // --- Parking (docs/protocol.md, "Parking") ---------------------------------------------------

  @Test
  void aCloseWith4100ParksThePersonInTheCallAndTellsNobody() {
    h.open("a1", "gw1", alice);
    h.open("b1", "gw2", bob);
    h.frame("a1", "gw1", alice, "{\"type\":\"answer\",\"sdp\":\"v=0\"}");
    int before = h.deliveries.size();
    h.park("a1", "gw1", alice);
    assertEquals(before, h.deliveries.size(), "nobody is told: parking is not a leave");
    Participant parked = h.presence.participants(h.session).get("alice");
    assertTrue(parked.parked(), "alice is still in the call, parked");
    assertEquals(h.clock.instant(), parked.parkedAt());
    assertEquals(1, h.presence.messagesSent(h.session), "what the parked connection sent is counted as at a leave");
  }

  @Test
  void aMessageToAParkedPeerGetsPeerAbsent() {
    h.open("a1", "gw1", alice);
    h.open("b1", "gw2", bob);
    h.park("a1", "gw1", alice);
    h.frame("b1", "gw2", bob, candidate(1));
    assertEquals("peer-absent", h.lastFrameTo("b1").get("code").getAsString());
    assertEquals(2, h.to("a1").size(), "nothing goes to the parked connection after its welcome and peer-joined");
  }

  @Test
  void aJoinerIsToldThePeerIsParkedNotPresent() {
    h.open("a1", "gw1", alice);
    h.open("b1", "gw2", bob);
    h.park("a1", "gw1", alice);
    h.park("b1", "gw2", bob);
    h.open("b2", "gw2", bob);
    JsonObject welcome = h.lastFrameTo("b2");
    assertFalse(welcome.get("peerPresent").getAsBoolean(), "a parked peer holds no socket");
    assertTrue(welcome.get("peerParked").getAsBoolean(), "but is still in the call");
    assertEquals("answerer", welcome.get("role").getAsString(), "bob waits for alice to come back and offer");
    assertEquals(2, h.to("a1").size(), "alice's parked connection is told nothing");
    assertTrue(h.presence.participants(h.session).get("alice").parked());
  }

  @Test
  void unparkingIsAJoinThatReplacesNothingAndNeverLooksLikeALeave() {
    h.open("a1", "gw1", alice);
    h.open("b1", "gw2", bob);
    long joinedEpoch = h.lastFrameTo("a1").get("epoch").getAsLong();
    h.park("a1", "gw1", alice);
    h.open("a2", "gw1", alice);
    assertEquals(List.of("welcome", "peer-joined"), h.framesTo("a1").stream().map(CallHarness::type).toList(),
        "the parked connection is closed already: no replaced, no 4004");
    JsonObject welcome = h.lastFrameTo("a2");
    assertTrue(welcome.get("peerPresent").getAsBoolean());
    assertFalse(welcome.get("peerParked").getAsBoolean());
    List<String> toBob = h.framesTo("b1").stream().map(CallHarness::type).toList();
    assertEquals(List.of("welcome", "peer-joined"), toBob, "bob hears alice came back, never that she left");
    assertTrue(h.lastFrameTo("b1").get("epoch").getAsLong() > joinedEpoch);
    assertFalse(h.presence.participants(h.session).get("alice").parked());
    h.frame("b1", "gw2", bob, candidate(7));
    assertEquals("candidate", h.lastFrameTo("a2").get("type").getAsString(), "relays reach the new connection");
  }

  @Test
  void aParkedPeerIsToldNothingWhenThePersonLeaves() {
    h.open("a1", "gw1", alice);
    h.open("b1", "gw2", bob);
    h.park("b1", "gw2", bob);
    h.frame("a1", "gw1", alice, "{\"type\":\"bye\"}");
    assertEquals(1, h.to("b1").size(), "bob's welcome, then no peer-left towards a socket that is closed");
    assertEquals(java.util.Set.of("bob"), h.presence.participants(h.session).keySet(), "bob is still in the call, parked");
  }

  @Test
  void aParkedPersonHangsUpByComingBackAndSayingBye() {
    h.open("a1", "gw1", alice);
    h.open("b1", "gw2", bob);
    h.park("a1", "gw1", alice);
    h.park("b1", "gw2", bob);
    h.open("a2", "gw1", alice);
    h.frame("a2", "gw1", alice, "{\"type\":\"bye\"}");
    h.close("a2", "gw1", alice);
    assertEquals(java.util.Set.of("bob"), h.presence.participants(h.session).keySet());
    assertEquals(1, h.to("b1").size(), "parked bob learns it over the data channel, not from the server");
  }

  @Test
  void a4100CloseOfAReplacedConnectionParksNobody() {
    h.open("a1", "gw1", alice);
    h.open("a2", "gw2", alice);
    h.park("a1", "gw1", alice);
    assertFalse(h.presence.participants(h.session).get("alice").parked(), "a2 holds the call");
  }

  @Test
  void framesOfAParkedConnectionAreNotRelayed() {
    h.open("a1", "gw1", alice);
    h.open("b1", "gw2", bob);
    h.park("a1", "gw1", alice);
    int before = h.framesTo("b1").size();
    // Impossible in order (the close is a connection's last event), but a stray one is refused.
    h.frame("a1", "gw1", alice, candidate(1));
    assertEquals("not-joined", h.lastFrameTo("a1").get("code").getAsString());
    assertEquals(before, h.framesTo("b1").size());
  }

  static String candidate(int i) {
    return "{\"type\":\"candidate\",\"ice\":{\"candidate\":\"candidate:" + i + "\",\"sdpMid\":\"0\"}}";
  }
}
