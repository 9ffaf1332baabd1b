package dev.videocall.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.videocall.contract.Delivery;
import dev.videocall.contract.Envelope;
import dev.videocall.core.CallHarness.Link;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Calls of three and four people through the router on in-memory presence: every message reaches
 * the one member it is for, presence messages reach every connected member, and people join and
 * leave in every order (docs/protocol.md, "Calls of three or four").
 */
class GroupCallRoutingTest {
  static final List<String> FOUR = List.of("alice", "bob", "carol", "dave");

  final CallHarness h = new CallHarness();

  /** Each person's link in a call of {@code people}, naming the others in the call's order. */
  Map<String, Link> links(List<String> people) {
    Map<String, Link> links = new LinkedHashMap<>();
    for (String user : people) {
      links.put(user, h.link(user, others(people, user)));
    }
    return links;
  }

  static List<String> others(List<String> people, String user) {
    return people.stream().filter(p -> !p.equals(user)).toList();
  }

  static String offerTo(String to) {
    return "{\"type\":\"offer\",\"sdp\":\"v=0\",\"to\":\"" + to + "\"}";
  }

  static String candidateTo(String to, int i) {
    return "{\"type\":\"candidate\",\"ice\":{\"candidate\":\"candidate:" + i + "\",\"sdpMid\":\"0\"},\"to\":\"" + to + "\"}";
  }

  // --- Every order of joining and leaving -----------------------------------------------------

  /** One person joining (opening their link) or leaving, by hanging up or by their socket closing. */
  record Step(String user, boolean join) {}

  /** Every sequence in which each person joins once and later leaves once: 90 for three, 2,520 for four. */
  static List<List<Step>> everyOrder(List<String> people) {
    List<List<Step>> out = new ArrayList<>();
    orders(people, new LinkedHashSet<>(), new LinkedHashSet<>(), new ArrayList<>(), out);
    return out;
  }

  private static void orders(List<String> people, Set<String> joined, Set<String> left, List<Step> prefix, List<List<Step>> out) {
    if (left.size() == people.size()) {
      out.add(List.copyOf(prefix));
      return;
    }
    for (String p : people) {
      boolean canJoin = !joined.contains(p);
      boolean canLeave = joined.contains(p) && !left.contains(p);
      if (!canJoin && !canLeave) {
        continue;
      }
      Set<String> into = canJoin ? joined : left;
      into.add(p);
      prefix.add(new Step(p, canJoin));
      orders(people, joined, left, prefix, out);
      prefix.remove(prefix.size() - 1);
      into.remove(p);
    }
  }

  @ParameterizedTest(name = "{0} people")
  @ValueSource(ints = {3, 4})
  void peopleJoinAndLeaveInEveryOrderAndEveryPairRelaysBothWays(int size) {
    List<String> people = FOUR.subList(0, size);
    List<List<Step>> orders = everyOrder(people);
    assertEquals(size == 3 ? 90 : 2520, orders.size(), "(2n)! / 2^n orders");
    int sequence = 0;
    for (List<Step> order : orders) {
      runOrder(people, order, sequence++);
    }
  }

  /** Plays one order, checking every delivery against who is connected at that moment. */
  private void runOrder(List<String> people, List<Step> order, int sequence) {
    h.session = h.tokens.newSessionId();
    Map<String, Link> links = links(people);
    Map<String, String> connections = new HashMap<>();
    Map<String, Long> seqs = new HashMap<>();
    Set<String> present = new LinkedHashSet<>();
    long lastEpoch = -1;
    String where = "order " + order;
    for (int i = 0; i < order.size(); i++) {
      Step step = order.get(i);
      String user = step.user();
      Link link = links.get(user);
      String conn = connections.computeIfAbsent(user, u -> "s" + sequence + "-" + u);
      String gateway = gateway(people, user);
      long seq = seqs.merge(conn, 1L, Long::sum) - 1;
      Map<String, List<JsonObject>> heard;
      if (step.join()) {
        heard = byConnection(h.router.handle(Envelope.open(conn, gateway, user, link.peer(), link.token(), "ua")));
        JsonObject welcome = only(heard.remove(conn), where);
        assertEquals("welcome", welcome.get("type").getAsString(), where);
        List<String> peers = others(people, user);
        JsonArray listed = welcome.getAsJsonArray("peers");
        assertEquals(peers.size(), listed.size(), where);
        for (int k = 0; k < peers.size(); k++) {
          JsonObject p = listed.get(k).getAsJsonObject();
          String peer = peers.get(k);
          boolean there = present.contains(peer);
          assertEquals(peer, p.get("peerID").getAsString(), where);
          assertEquals(there, p.get("present").getAsBoolean(), where + ": " + user + " sees " + peer);
          assertFalse(p.get("parked").getAsBoolean(), where);
          assertEquals(there ? "offerer" : "answerer", p.get("role").getAsString(), where);
          assertEquals(user.compareTo(peer) < 0, p.get("polite").getAsBoolean(), where);
        }
        assertEquals(peers.get(0), welcome.get("peerID").getAsString(), "the old fields describe the first other member");
        assertEquals(present.contains(peers.get(0)), welcome.get("peerPresent").getAsBoolean(), where);
        long epoch = welcome.get("epoch").getAsLong();
        assertTrue(epoch > lastEpoch, where + ": epochs only grow");
        lastEpoch = epoch;
        for (String other : present) {
          JsonObject joined = only(heard.remove(connections.get(other)), where + ": " + other + " hears " + user + " join");
          assertEquals("peer-joined", joined.get("type").getAsString());
          assertEquals(user, joined.get("peerID").getAsString());
          assertEquals(epoch, joined.get("epoch").getAsLong());
        }
        present.add(user);
      } else {
        // Every other leave is a hang-up, the rest a closed socket: both orders of both kinds occur.
        boolean hangup = i % 2 == 0;
        heard = byConnection(h.router.handle(hangup
            ? Envelope.frame(conn, gateway, seq, user, link.peer(), link.token(), "{\"type\":\"bye\"}")
            : Envelope.close(conn, gateway, seq, user, link.peer(), link.token(), 1001)));
        present.remove(user);
        Long epoch = null;
        for (String other : present) {
          JsonObject left = only(heard.remove(connections.get(other)), where + ": " + other + " hears " + user + " leave");
          assertEquals("peer-left", left.get("type").getAsString());
          assertEquals(user, left.get("peerID").getAsString());
          assertEquals(hangup ? "hangup" : "disconnected", left.get("reason").getAsString());
          long e = left.get("epoch").getAsLong();
          assertTrue(e > lastEpoch && (epoch == null || e == epoch), where + ": one new epoch for everyone told");
          epoch = e;
        }
        lastEpoch = epoch == null ? lastEpoch : epoch;
      }
      assertTrue(heard.isEmpty(), where + " step " + i + ": nobody else hears anything, got " + heard);
      relayEveryPair(people, links, connections, seqs, present, where + " after step " + i);
    }
    assertTrue(h.presence.participants(h.session).isEmpty(), where + ": everyone left");
  }

  /** People sit on two gateways, alternately. */
  private static String gateway(List<String> people, String user) {
    return "gw" + (people.indexOf(user) % 2);
  }

  /** Each connected person sends each other member an offer: it reaches that member alone, or is refused. */
  private void relayEveryPair(
      List<String> people, Map<String, Link> links, Map<String, String> connections, Map<String, Long> seqs, Set<String> present, String where) {
    for (String from : present) {
      for (String to : others(people, from)) {
        String conn = connections.get(from);
        Link link = links.get(from);
        long seq = seqs.merge(conn, 1L, Long::sum) - 1;
        Map<String, List<JsonObject>> heard = byConnection(
            h.router.handle(Envelope.frame(conn, gateway(people, from), seq, from, link.peer(), link.token(), offerTo(to))));
        if (present.contains(to)) {
          JsonObject offer = only(heard.get(connections.get(to)), where + ": " + from + " → " + to);
          assertEquals("offer", offer.get("type").getAsString());
          assertEquals(from, offer.get("from").getAsString());
          assertNull(offer.get("to"), "to is not relayed");
          assertEquals(1, heard.size(), where + ": only " + to + " hears " + from + "'s offer");
        } else {
          JsonObject absent = only(heard.get(conn), where + ": " + from + " → absent " + to);
          assertEquals("peer-absent", absent.get("code").getAsString());
          assertEquals(to, absent.get("peerID").getAsString(), "the refusal says whose socket is missing");
          assertEquals(1, heard.size());
        }
      }
    }
  }

  // --- The recipient: "to" -------------------------------------------------------------------

  @Test
  void everyPairOfFourRelaysCandidatesBothWaysAndOnlyToTheirTarget() {
    Map<String, Link> links = links(FOUR);
    for (String user : FOUR) {
      h.open(user.charAt(0) + "1", "gw-" + user, links.get(user));
    }
    int i = 0;
    for (String from : FOUR) {
      for (String to : others(FOUR, from)) {
        int before = h.deliveries.size();
        h.frame(from.charAt(0) + "1", "gw-" + from, links.get(from), candidateTo(to, i++));
        List<Delivery> caused = h.deliveries.subList(before, h.deliveries.size());
        assertEquals(1, caused.size(), from + " → " + to);
        assertEquals(to.charAt(0) + "1", caused.get(0).connectionId());
        assertEquals("gw-" + to, caused.get(0).gatewayId(), "delivered through the recipient's own gateway");
        assertEquals(from, JsonParser.parseString(caused.get(0).frame()).getAsJsonObject().get("from").getAsString());
      }
    }
  }

  @Test
  void inACallOfThreeToIsRequiredAndMustNameAnotherMember() {
    Map<String, Link> links = links(FOUR.subList(0, 3));
    h.open("a1", "gw1", links.get("alice"));
    h.open("b1", "gw1", links.get("bob"));
    h.open("c1", "gw1", links.get("carol"));
    int bobHeard = h.framesTo("b1").size();
    int carolHeard = h.framesTo("c1").size();
    for (String bad : List.of(
        "{\"type\":\"offer\",\"sdp\":\"v=0\"}",
        offerTo("alice"),
        offerTo("dave"),
        "{\"type\":\"offer\",\"sdp\":\"v=0\",\"to\":5}",
        "{\"type\":\"offer\",\"sdp\":\"v=0\",\"to\":\"b o b\"}",
        "{\"type\":\"candidate\",\"ice\":{\"candidate\":\"c\",\"sdpMid\":\"0\"}}",
        "{\"type\":\"answer\",\"sdp\":\"v=0\",\"to\":\"bob\",\"to\":\"carol\"}")) {
      h.frame("a1", "gw1", links.get("alice"), bad);
      assertEquals("bad-message", h.lastFrameTo("a1").get("code").getAsString(), bad);
      assertNull(h.to("a1").get(h.to("a1").size() - 1).closeCode(), "the connection stays open");
    }
    assertEquals(bobHeard, h.framesTo("b1").size(), "nothing reached bob");
    assertEquals(carolHeard, h.framesTo("c1").size(), "nothing reached carol");
    h.frame("a1", "gw1", links.get("alice"), offerTo("CAROL"));
    assertEquals("alice", h.lastFrameTo("c1").get("from").getAsString(), "to compares as user ids do, case-insensitively");
    h.frame("a1", "gw1", links.get("alice"), "{\"type\":\"bye\",\"to\":\"bob\"}");
    assertEquals("peer-left", h.lastFrameTo("b1").get("type").getAsString(), "bye leaves the call, to or not");
    assertEquals("peer-left", h.lastFrameTo("c1").get("type").getAsString());
  }

  @Test
  void inACallOfTwoToIsOptionalButMustNameThePeer() {
    Link alice = h.link("alice", "bob");
    Link bob = h.link("bob", "alice");
    h.open("a1", "gw1", alice);
    h.open("b1", "gw1", bob);
    h.frame("a1", "gw1", alice, "{\"type\":\"offer\",\"sdp\":\"v=0\"}");
    assertEquals("offer", h.lastFrameTo("b1").get("type").getAsString(), "as ever");
    h.frame("a1", "gw1", alice, offerTo("bob"));
    assertEquals("offer", h.lastFrameTo("b1").get("type").getAsString());
    int bobHeard = h.framesTo("b1").size();
    for (String to : List.of("carol", "alice")) {
      h.frame("a1", "gw1", alice, offerTo(to));
      assertEquals("bad-message", h.lastFrameTo("a1").get("code").getAsString(), to);
    }
    assertEquals(bobHeard, h.framesTo("b1").size());
  }

  @Test
  void aPackedEnvelopeReadsTheSenderAndItsRecipientsOnceAndKeepsEachRecipientsOrder() {
    AtomicInteger reads = new AtomicInteger();
    List<List<String>> asked = new ArrayList<>();
    PresenceStore counting = new PresenceStore() {
      @Override public JoinResult join(Join join) { return h.presence.join(join); }
      @Override public LeaveResult leave(String s, String u, String c, java.time.Instant now, long sent) { return h.presence.leave(s, u, c, now, sent); }
      @Override public ParkResult park(String s, String u, String c, java.time.Instant now, long sent) { return h.presence.park(s, u, c, now, sent); }
      @Override public Map<String, Participant> participants(String s) { throw new AssertionError("a relay reads only whom it names"); }
      @Override public Map<String, Participant> participants(String s, java.util.Collection<String> ids) {
        reads.incrementAndGet();
        asked.add(List.copyOf(ids));
        return h.presence.participants(s, ids);
      }
      @Override public List<String> openSessionIds(int limit) { return h.presence.openSessionIds(limit); }
    };
    SignalingRouter router = new SignalingRouter(h.tokens, counting, GatewayLiveness.ALWAYS_ALIVE, IceServers.stunOnly(List.of()), h.clock);
    Map<String, Link> links = links(FOUR);
    links.forEach((user, link) -> router.handle(Envelope.open(user + "1", "gw", user, link.peer(), link.token(), "ua")));
    reads.set(0);
    Link alice = links.get("alice");
    List<String> frames = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      frames.add(candidateTo(i % 2 == 0 ? "bob" : "carol", i));
    }
    List<Delivery> out = router.handle(new Envelope("alice1", "gw", Envelope.Event.FRAME, 10, "alice", alice.peer(), alice.token(), frames, null, null, null));
    assertEquals(1, reads.get(), "one presence read for the whole envelope");
    assertEquals(List.of(List.of("alice", "bob", "carol")), asked, "the sender and the two recipients, not dave");
    asked.clear();
    router.handle(Envelope.frame("alice1", "gw", 11, "alice", alice.peer(), alice.token(), offerTo("dave")));
    assertEquals(List.of(List.of("alice", "dave")), asked, "a message reads two members in a call of four, as in a call of two");
    assertEquals(List.of("candidate:0", "candidate:2", "candidate:4", "candidate:6", "candidate:8"), candidates(out, "bob1"));
    assertEquals(List.of("candidate:1", "candidate:3", "candidate:5", "candidate:7", "candidate:9"), candidates(out, "carol1"));
  }

  private static List<String> candidates(List<Delivery> out, String conn) {
    return out.stream().filter(d -> d.connectionId().equals(conn))
        .map(d -> JsonParser.parseString(d.frame()).getAsJsonObject().getAsJsonObject("ice").get("candidate").getAsString())
        .toList();
  }

  // --- Who may join ---------------------------------------------------------------------------

  @Test
  void aFifthPersonIsRefusedWithCallFullAndTheCallGoesOn() {
    Map<String, Link> links = links(FOUR);
    links.forEach((user, link) -> h.open(user.charAt(0) + "1", "gw1", link));
    int before = h.deliveries.size();
    // A genuine token of this session for a call of five: no call is made so, and no link may name five.
    List<String> five = List.of("alice", "bob", "carol", "dave", "erin");
    Link erin = new Link("erin", Envelope.joinPeerIds(others(five, "erin")),
        h.tokens.mint(h.session, "erin", others(five, "erin"), h.clock.instant().plusSeconds(3600)));
    h.open("e1", "gw1", erin);
    assertEquals(4003, h.to("e1").get(0).closeCode());
    assertEquals("call-full", h.framesTo("e1").get(0).get("code").getAsString());
    // A genuine token for three of them and erin: the call's people were fixed at its first join.
    Link erinForThree = h.link("erin", List.of("alice", "bob", "carol"));
    h.open("e2", "gw1", erinForThree);
    assertEquals(4003, h.to("e2").get(0).closeCode());
    assertEquals(before + 2, h.deliveries.size(), "only the refused connections heard anything");
    assertEquals(Set.copyOf(FOUR), h.presence.participants(h.session).keySet());
    h.frame("a1", "gw1", links.get("alice"), offerTo("dave"));
    assertEquals("offer", h.lastFrameTo("d1").get("type").getAsString());
  }

  @Test
  void aNameNotOnTheCallIsRefusedAsAnInvalidToken() {
    Map<String, Link> links = links(FOUR.subList(0, 3));
    Link alice = links.get("alice");
    h.open("x1", "gw1", new Link("alice", "bob,dave", alice.token()));
    assertEquals(4001, h.to("x1").get(0).closeCode(), "another name swapped in");
    h.open("x2", "gw1", new Link("alice", "bob", alice.token()));
    assertEquals(4001, h.to("x2").get(0).closeCode(), "someone left out");
    h.open("x3", "gw1", new Link("erin", alice.peer(), alice.token()));
    assertEquals(4001, h.to("x3").get(0).closeCode(), "alice's link opened as erin");
    h.open("x4", "gw1", new Link("alice", "bob,bob", alice.token()));
    assertEquals(4000, h.to("x4").get(0).closeCode(), "a name twice");
    assertTrue(h.presence.participants(h.session).isEmpty());
  }

  // --- Leaving --------------------------------------------------------------------------------

  @Test
  void aHangUpInACallOfThreeRemovesOnlyThatPerson() {
    Map<String, Link> links = links(FOUR.subList(0, 3));
    links.forEach((user, link) -> h.open(user.charAt(0) + "1", "gw1", link));
    h.frame("b1", "gw1", links.get("bob"), "{\"type\":\"bye\"}");
    for (String conn : List.of("a1", "c1")) {
      JsonObject left = h.lastFrameTo(conn);
      assertEquals("peer-left", left.get("type").getAsString());
      assertEquals("bob", left.get("peerID").getAsString());
      assertEquals("hangup", left.get("reason").getAsString());
    }
    assertEquals(Set.of("alice", "carol"), h.presence.participants(h.session).keySet());
    h.frame("a1", "gw1", links.get("alice"), offerTo("carol"));
    assertEquals("offer", h.lastFrameTo("c1").get("type").getAsString(), "the two others go on");
    h.frame("c1", "gw1", links.get("carol"), offerTo("bob"));
    assertEquals("peer-absent", h.lastFrameTo("c1").get("code").getAsString());
    h.open("b2", "gw1", links.get("bob"));
    JsonObject welcome = h.lastFrameTo("b2");
    assertEquals("welcome", welcome.get("type").getAsString(), "bob can come back with his link");
    assertTrue(welcome.getAsJsonArray("peers").asList().stream().allMatch(p -> p.getAsJsonObject().get("present").getAsBoolean()));
  }

  @Test
  void aRetriedOpenInACallOfFourNumbersItsDeliveriesAsTheFirstTry() {
    Map<String, Link> links = links(FOUR);
    for (String user : List.of("bob", "carol", "dave")) {
      h.open(user.charAt(0) + "1", "gw1", links.get(user));
    }
    Link alice = links.get("alice");
    Envelope open = Envelope.open("a1", "gw1", "alice", alice.peer(), alice.token(), "ua");
    List<Delivery> first = h.router.handle(open);
    List<Delivery> again = h.router.handle(open);
    assertEquals(4, first.size(), "a welcome and three peer-joined");
    assertEquals(first, again, "the same deliveries under the same names, so the gateways drop the repeats");
  }

  // --- Parking, per member --------------------------------------------------------------------

  @Test
  void aParkedMemberIsAbsentForRelaysListedAsParkedForANewcomerAndComesBack() {
    Map<String, Link> links = links(FOUR);
    for (String user : List.of("alice", "bob", "carol")) {
      h.open(user.charAt(0) + "1", "gw1", links.get(user));
    }
    int bobHeard = h.to("b1").size();
    h.park("b1", "gw1", links.get("bob"));
    assertTrue(h.presence.participants(h.session).get("bob").parked());
    h.frame("a1", "gw1", links.get("alice"), offerTo("bob"));
    JsonObject absent = h.lastFrameTo("a1");
    assertEquals("peer-absent", absent.get("code").getAsString());
    assertEquals("bob", absent.get("peerID").getAsString());
    h.frame("a1", "gw1", links.get("alice"), offerTo("carol"));
    assertEquals("offer", h.lastFrameTo("c1").get("type").getAsString(), "the other pairs are untouched");

    h.open("d1", "gw1", links.get("dave"));
    JsonArray peers = h.lastFrameTo("d1").getAsJsonArray("peers");
    Map<String, JsonObject> byId = new HashMap<>();
    peers.forEach(p -> byId.put(p.getAsJsonObject().get("peerID").getAsString(), p.getAsJsonObject()));
    assertTrue(byId.get("alice").get("present").getAsBoolean());
    assertTrue(byId.get("carol").get("present").getAsBoolean());
    assertFalse(byId.get("bob").get("present").getAsBoolean(), "a parked member holds no socket");
    assertTrue(byId.get("bob").get("parked").getAsBoolean(), "but is in the call: dave waits for bob to come back and offer");
    assertEquals("answerer", byId.get("bob").get("role").getAsString());
    assertEquals("peer-joined", h.lastFrameTo("a1").get("type").getAsString());
    assertEquals("peer-joined", h.lastFrameTo("c1").get("type").getAsString());
    assertEquals(bobHeard, h.to("b1").size(), "bob's parked connection is told nothing");

    h.open("b2", "gw1", links.get("bob"));
    JsonObject back = h.lastFrameTo("b2");
    assertTrue(back.getAsJsonArray("peers").asList().stream().allMatch(p -> p.getAsJsonObject().get("present").getAsBoolean()),
        "bob comes back to all three, dave included: " + back);
    assertEquals(bobHeard, h.to("b1").size(), "unparking replaces nothing");
    for (String conn : List.of("a1", "c1", "d1")) {
      JsonObject joined = h.lastFrameTo(conn);
      assertEquals("peer-joined", joined.get("type").getAsString(), conn);
      assertEquals("bob", joined.get("peerID").getAsString());
    }
    h.frame("d1", "gw1", links.get("dave"), offerTo("bob"));
    assertEquals("dave", h.lastFrameTo("b2").get("from").getAsString());
  }

  @Test
  void aMemberWhoLeavesTellsNoParkedMember() {
    Map<String, Link> links = links(FOUR.subList(0, 3));
    links.forEach((user, link) -> h.open(user.charAt(0) + "1", "gw1", link));
    h.park("b1", "gw1", links.get("bob"));
    int bobHeard = h.to("b1").size();
    h.close("c1", "gw1", links.get("carol"));
    assertEquals("peer-left", h.lastFrameTo("a1").get("type").getAsString());
    assertEquals(bobHeard, h.to("b1").size(), "a parked socket is closed already");
    assertEquals(Set.of("alice", "bob"), h.presence.participants(h.session).keySet());
  }

  // --- helpers --------------------------------------------------------------------------------

  private static Map<String, List<JsonObject>> byConnection(List<Delivery> deliveries) {
    Map<String, List<JsonObject>> out = new LinkedHashMap<>();
    for (Delivery d : deliveries) {
      out.computeIfAbsent(d.connectionId(), c -> new ArrayList<>()).add(JsonParser.parseString(d.frame()).getAsJsonObject());
    }
    return out;
  }

  private static JsonObject only(List<JsonObject> frames, String what) {
    assertTrue(frames != null && frames.size() == 1, what + ": want exactly one frame, got " + frames);
    return frames.get(0);
  }
}
