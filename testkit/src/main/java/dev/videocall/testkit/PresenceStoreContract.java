package dev.videocall.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.videocall.contract.ConnectionRef;
import dev.videocall.core.PresenceStore;
import dev.videocall.core.PresenceStore.Full;
import dev.videocall.core.PresenceStore.Join;
import dev.videocall.core.PresenceStore.Joined;
import dev.videocall.core.PresenceStore.Left;
import dev.videocall.core.PresenceStore.NotCurrent;
import dev.videocall.core.PresenceStore.Parked;
import dev.videocall.core.PresenceStore.Superseded;
import dev.videocall.core.Participant;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What every {@link PresenceStore} must do, run against each adapter (in memory, Firestore emulator).
 * Each test uses a fresh session id, so adapters backed by a shared server need no cleanup.
 */
public abstract class PresenceStoreContract {
  protected static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");

  protected abstract PresenceStore store();

  private final String session = "s" + UUID.randomUUID().toString().replace("-", "");

  /** A join whose connection opened at NOW, as every other's here: ties replace, as the later join handled. */
  private Join join(String user, String peer, String gateway, String conn) {
    return join(user, peer, gateway, conn, NOW);
  }

  private Join join(String user, String peer, String gateway, String conn, Instant openedAt) {
    return new Join(session, user, peer, new ConnectionRef(gateway, conn), openedAt, "agent/1", NOW.plusSeconds(3600), NOW);
  }

  @Test
  void firstJoinerSeesNoPeerSecondSeesTheFirst() {
    Joined a = assertInstanceOf(Joined.class, store().join(join("alice", "bob", "gw1", "a1")));
    assertTrue(a.others().isEmpty());
    assertTrue(a.replaced().isEmpty());
    Joined b = assertInstanceOf(Joined.class, store().join(join("bob", "alice", "gw2", "b1")));
    assertEquals(new ConnectionRef("gw1", "a1"), b.others().get("alice").connection());
    assertEquals(java.util.Set.of("alice"), b.others().keySet());
    var participants = store().participants(session);
    assertEquals(2, participants.size());
    assertEquals("agent/1", participants.get("bob").userAgent());
    assertEquals(new ConnectionRef("gw2", "b1"), participants.get("bob").connection());
  }

  @Test
  void joiningAgainWithTheSameConnectionChangesNothing() {
    store().join(join("alice", "bob", "gw1", "a1"));
    Joined again = assertInstanceOf(Joined.class, store().join(join("alice", "bob", "gw1", "a1")));
    assertTrue(again.replaced().isEmpty());
    assertEquals(1, store().participants(session).size());
  }

  @Test
  void aNewConnectionReplacesTheOldOneAndTheOldLeaveIsIgnored() {
    store().join(join("alice", "bob", "gw1", "a1"));
    store().join(join("bob", "alice", "gw1", "b1"));
    Joined replaced = assertInstanceOf(Joined.class, store().join(join("alice", "bob", "gw2", "a2")));
    assertEquals(new ConnectionRef("gw1", "a1"), replaced.replaced().orElseThrow());
    assertInstanceOf(NotCurrent.class, store().leave(session, "alice", "a1", NOW, 0));
    assertEquals("a2", store().participants(session).get("alice").connection().connectionId());
    Left left = assertInstanceOf(Left.class, store().leave(session, "alice", "a2", NOW, 0));
    assertEquals("b1", left.others().get("bob").connection().connectionId());
    assertEquals(1, store().participants(session).size());
  }

  /** Of two connections, the one opened later wins, whichever join comes first (a hang-up's bye socket, late). */
  @Test
  void aConnectionOpenedBeforeTheCurrentOneDoesNotReplaceIt() {
    store().join(join("bob", "alice", "gw1", "b1"));
    long newer = assertInstanceOf(Joined.class, store().join(join("alice", "bob", "gw2", "a2", NOW.plusMillis(800)))).epoch();
    assertInstanceOf(Superseded.class, store().join(join("alice", "bob", "gw1", "a1", NOW.plusMillis(300))));
    assertInstanceOf(Superseded.class, store().join(join("alice", "bob", "gw1", "a1", NOW.plusMillis(300))), "retried: the same answer");
    Participant alice = store().participants(session).get("alice");
    assertEquals(new ConnectionRef("gw2", "a2"), alice.connection(), "the newer connection stays");
    assertEquals(NOW.plusMillis(800), alice.openedAt());
    assertInstanceOf(NotCurrent.class, store().leave(session, "alice", "a1", NOW, 0), "the older one's bye changes nothing");
    Joined retried = assertInstanceOf(Joined.class, store().join(join("alice", "bob", "gw2", "a2", NOW.plusMillis(800))));
    assertTrue(retried.replaced().isEmpty());
    assertEquals(newer, retried.epoch(), "the refused join changed nothing, and the retried one neither");
  }

  @Test
  void anOlderConnectionDoesNotUnparkANewerOne() {
    store().join(join("alice", "bob", "gw1", "a2", NOW.plusSeconds(1)));
    store().park(session, "alice", "a2", NOW.plusSeconds(5), 0);
    assertInstanceOf(Superseded.class, store().join(join("alice", "bob", "gw1", "a1", NOW)));
    Participant alice = store().participants(session).get("alice");
    assertTrue(alice.parked(), "still parked on a2");
    assertEquals("a2", alice.connection().connectionId());
  }

  @Test
  void aJoinOpenedLaterOrAtAnUnknownTimeReplaces() {
    store().join(join("alice", "bob", "gw1", "a1", NOW));
    Joined later = assertInstanceOf(Joined.class, store().join(join("alice", "bob", "gw1", "a2", NOW.plusMillis(1))));
    assertEquals("a1", later.replaced().orElseThrow().connectionId());
    Joined unknown = assertInstanceOf(Joined.class, store().join(join("alice", "bob", "gw1", "a3", null)), "from an older gateway");
    assertEquals("a2", unknown.replaced().orElseThrow().connectionId());
    Joined overUnknown = assertInstanceOf(Joined.class, store().join(join("alice", "bob", "gw1", "a4", NOW)), "over a record without a time");
    assertEquals("a3", overUnknown.replaced().orElseThrow().connectionId());
  }

  @Test
  void everyChangeOfWhoIsInTheCallRaisesItsEpoch() {
    long aliceIn = assertInstanceOf(Joined.class, store().join(join("alice", "bob", "gw1", "a1"))).epoch();
    long retried = assertInstanceOf(Joined.class, store().join(join("alice", "bob", "gw1", "a1"))).epoch();
    assertEquals(aliceIn, retried, "a retried join changes nothing, so neither does its epoch");
    long bobIn = assertInstanceOf(Joined.class, store().join(join("bob", "alice", "gw2", "b1"))).epoch();
    long bobOut = assertInstanceOf(Left.class, store().leave(session, "bob", "b1", NOW, 0)).epoch();
    long bobBack = assertInstanceOf(Joined.class, store().join(join("bob", "alice", "gw2", "b2"))).epoch();
    long aliceReplaced = assertInstanceOf(Joined.class, store().join(join("alice", "bob", "gw1", "a2"))).epoch();
    assertTrue(aliceIn < bobIn && bobIn < bobOut && bobOut < bobBack && bobBack < aliceReplaced,
        "epochs " + java.util.List.of(aliceIn, bobIn, bobOut, bobBack, aliceReplaced));
  }

  @Test
  void anyoneElseFindsTheCallFull() {
    store().join(join("alice", "bob", "gw1", "a1"));
    assertInstanceOf(Full.class, store().join(join("carol", "alice", "gw1", "c1")));
    assertInstanceOf(Full.class, store().join(join("alice", "carol", "gw1", "a9")));
    assertEquals(1, store().participants(session).size());
  }

  @Test
  void leavingTheLastOneEmptiesTheCall() {
    store().join(join("alice", "bob", "gw1", "a1"));
    Left left = assertInstanceOf(Left.class, store().leave(session, "alice", "a1", NOW, 0));
    assertTrue(left.others().isEmpty());
    assertTrue(store().participants(session).isEmpty());
    assertInstanceOf(NotCurrent.class, store().leave(session, "alice", "a1", NOW, 0));
    assertInstanceOf(Joined.class, store().join(join("alice", "bob", "gw1", "a2")), "links still work after everyone left");
  }

  @Test
  void openSessionsListsCallsWithSomeoneInThem() {
    store().join(join("alice", "bob", "gw1", "a1"));
    assertTrue(store().openSessionIds(10_000).contains(session));
    store().leave(session, "alice", "a1", NOW, 0);
    assertTrue(!store().openSessionIds(10_000).contains(session));
  }

  @Test
  void messagesSentAreAddedToTheCallAsPeopleLeave() {
    store().join(join("alice", "bob", "gw1", "a1"));
    store().join(join("bob", "alice", "gw1", "b1"));
    store().leave(session, "alice", "a1", NOW, 5);
    assertEquals(5, messagesSent(session));
    store().leave(session, "alice", "a1", NOW, 7);
    assertEquals(5, messagesSent(session), "a leave that changes nothing counts nothing");
  }

  // --- Parking: in the call with the socket closed (docs/protocol.md, "Parking") ---------------

  @Test
  void aParkedParticipantStaysInTheCallMarkedParked() {
    store().join(join("alice", "bob", "gw1", "a1"));
    store().join(join("bob", "alice", "gw2", "b1"));
    assertInstanceOf(Parked.class, store().park(session, "alice", "a1", NOW.plusSeconds(5), 3));
    var participants = store().participants(session);
    assertEquals(2, participants.size(), "parking is not a leave");
    Participant alice = participants.get("alice");
    assertTrue(alice.parked());
    assertEquals(NOW.plusSeconds(5), alice.parkedAt());
    assertEquals(new ConnectionRef("gw1", "a1"), alice.connection(), "the parked connection is kept for the record");
    assertTrue(participants.get("bob").connected());
    assertEquals(3, messagesSent(session), "what the parked connection sent is counted, as at a leave");
  }

  @Test
  void parkingAgainChangesNothingAndAnOldConnectionCannotPark() {
    store().join(join("alice", "bob", "gw1", "a1"));
    store().park(session, "alice", "a1", NOW, 3);
    assertInstanceOf(Parked.class, store().park(session, "alice", "a1", NOW.plusSeconds(9), 3), "a redelivered close");
    assertEquals(NOW, store().participants(session).get("alice").parkedAt());
    assertEquals(3, messagesSent(session), "counted once");
    store().join(join("alice", "bob", "gw1", "a2"));
    assertInstanceOf(NotCurrent.class, store().park(session, "alice", "a1", NOW, 0));
    assertTrue(store().participants(session).get("alice").connected(), "a2 holds the call");
    assertInstanceOf(NotCurrent.class, store().park(session, "carol", "c1", NOW, 0), "nobody of that name");
  }

  @Test
  void joiningAgainUnparksAndReplacesNothing() {
    long before = assertInstanceOf(Joined.class, store().join(join("alice", "bob", "gw1", "a1"))).epoch();
    store().join(join("bob", "alice", "gw2", "b1"));
    store().park(session, "alice", "a1", NOW, 0);
    Joined back = assertInstanceOf(Joined.class, store().join(join("alice", "bob", "gw2", "a2")));
    assertTrue(back.replaced().isEmpty(), "the parked connection is closed already");
    assertEquals("b1", back.others().get("bob").connection().connectionId());
    assertTrue(back.epoch() > before);
    Participant alice = store().participants(session).get("alice");
    assertTrue(alice.connected());
    assertEquals(new ConnectionRef("gw2", "a2"), alice.connection());
  }

  @Test
  void aJoinerAndALeaverSeeTheParkedPeer() {
    store().join(join("alice", "bob", "gw1", "a1"));
    store().join(join("bob", "alice", "gw2", "b1"));
    store().park(session, "alice", "a1", NOW, 0);
    Joined bobAgain = assertInstanceOf(Joined.class, store().join(join("bob", "alice", "gw2", "b2")));
    assertTrue(bobAgain.others().get("alice").parked(), "bob's welcome can say alice is parked");
    Left bobGone = assertInstanceOf(Left.class, store().leave(session, "bob", "b2", NOW, 0));
    assertTrue(bobGone.others().get("alice").parked());
    assertEquals(1, store().participants(session).size(), "alice, parked, is still in the call");
  }

  @Test
  void theSweeperSeesOnlyCallsWhereSomeoneHoldsASocket() {
    store().join(join("alice", "bob", "gw1", "a1"));
    store().join(join("bob", "alice", "gw2", "b1"));
    store().park(session, "alice", "a1", NOW, 0);
    assertTrue(store().openSessionIds(10_000).contains(session), "bob is still connected");
    store().park(session, "bob", "b1", NOW, 0);
    assertFalse(store().openSessionIds(10_000).contains(session), "everyone parked: no socket to strand");
    store().join(join("bob", "alice", "gw2", "b2"));
    assertTrue(store().openSessionIds(10_000).contains(session), "bob came back");
    store().leave(session, "bob", "b2", NOW, 0);
    assertFalse(store().openSessionIds(10_000).contains(session), "only parked alice is left");
  }

  // --- Calls of three and four: one participant each, the members fixed at the first join --------

  private static final List<String> FOUR = List.of("alice", "bob", "carol", "dave");

  /** {@code user}'s join to a call of {@code people}, as their link names the others. */
  private Join groupJoin(List<String> people, String user, String gateway, String conn) {
    List<String> others = people.stream().filter(p -> !p.equals(user)).toList();
    return new Join(session, user, others, new ConnectionRef(gateway, conn), NOW, "agent/1", NOW.plusSeconds(3600), NOW);
  }

  @Test
  void eachOfFourSeesEveryoneAlreadyThere() {
    for (int i = 0; i < FOUR.size(); i++) {
      String user = FOUR.get(i);
      Joined joined = assertInstanceOf(Joined.class, store().join(groupJoin(FOUR, user, "gw" + i, user + "1")));
      assertEquals(Set.copyOf(FOUR.subList(0, i)), joined.others().keySet(), user + " sees those who joined before");
      joined.others().forEach((id, p) -> assertEquals(id + "1", p.connection().connectionId()));
    }
    var participants = store().participants(session);
    assertEquals(Set.copyOf(FOUR), participants.keySet(), "one participant per person");
    assertEquals(new ConnectionRef("gw2", "carol1"), participants.get("carol").connection());
  }

  @Test
  void aJoinForOtherMembersFindsTheCallFull() {
    List<String> three = FOUR.subList(0, 3);
    store().join(groupJoin(three, "alice", "gw1", "a1"));
    assertInstanceOf(Full.class, store().join(groupJoin(FOUR, "dave", "gw1", "d1")), "a fourth person the call was not made for");
    assertInstanceOf(Full.class, store().join(groupJoin(FOUR, "bob", "gw1", "b9")), "a member with a link for four");
    assertInstanceOf(Full.class, store().join(join("bob", "alice", "gw1", "b8")), "a member with a link for two");
    assertInstanceOf(Joined.class, store().join(groupJoin(List.of("carol", "bob", "alice"), "carol", "gw1", "c1")),
        "the same three in another order are the same call");
    assertEquals(Set.of("alice", "carol"), store().participants(session).keySet());
  }

  @Test
  void aLeaveInACallOfThreeTellsTheOthersAndKeepsTheCall() {
    List<String> three = FOUR.subList(0, 3);
    for (String user : three) {
      store().join(groupJoin(three, user, "gw1", user + "1"));
    }
    long before = store().join(groupJoin(three, "carol", "gw1", "carol1")) instanceof Joined j ? j.epoch() : -1;
    Left bobGone = assertInstanceOf(Left.class, store().leave(session, "bob", "bob1", NOW, 4));
    assertEquals(Set.of("alice", "carol"), bobGone.others().keySet());
    assertTrue(bobGone.epoch() > before);
    assertEquals(Set.of("alice", "carol"), store().participants(session).keySet());
    store().park(session, "carol", "carol1", NOW, 2);
    Left aliceGone = assertInstanceOf(Left.class, store().leave(session, "alice", "alice1", NOW, 3));
    assertEquals(Set.of("carol"), aliceGone.others().keySet());
    assertTrue(aliceGone.others().get("carol").parked(), "carol, parked, is told nothing but is still in the call");
    assertEquals(9, messagesSent(session));
    Joined bobBack = assertInstanceOf(Joined.class, store().join(groupJoin(three, "bob", "gw2", "bob2")));
    assertEquals(Set.of("carol"), bobBack.others().keySet(), "a member who left can come back");
  }

  @Test
  void oneOfFourParksAndANewcomerSeesThemParked() {
    List<String> firstThree = FOUR.subList(0, 3);
    for (String user : firstThree) {
      store().join(groupJoin(FOUR, user, "gw1", user + "1"));
    }
    assertInstanceOf(Parked.class, store().park(session, "bob", "bob1", NOW, 0));
    Joined dave = assertInstanceOf(Joined.class, store().join(groupJoin(FOUR, "dave", "gw2", "dave1")));
    assertEquals(Set.of("alice", "bob", "carol"), dave.others().keySet());
    assertTrue(dave.others().get("bob").parked());
    assertTrue(dave.others().get("alice").connected() && dave.others().get("carol").connected());
    Joined bobBack = assertInstanceOf(Joined.class, store().join(groupJoin(FOUR, "bob", "gw2", "bob2")));
    assertTrue(bobBack.replaced().isEmpty(), "the parked connection is closed already");
    assertTrue(bobBack.others().values().stream().allMatch(Participant::connected));
  }

  /** What a relay reads: its sender and its recipients, parked or not; anyone else may be left out. */
  @Test
  void theMembersARelayNamesAreReadAsTheyAre() {
    for (String user : FOUR.subList(0, 3)) {
      store().join(groupJoin(FOUR, user, "gw1", user + "1"));
    }
    store().park(session, "bob", "bob1", NOW, 0);
    var some = store().participants(session, List.of("alice", "bob", "dave"));
    assertEquals("alice1", some.get("alice").connection().connectionId());
    assertTrue(some.get("bob").parked());
    assertFalse(some.containsKey("dave"), "dave has not joined");
    assertTrue(store().participants("s-no-such-call", List.of("alice")).isEmpty());
  }

  @Test
  void theSweeperSeesACallOfThreeUntilItsLastSocketParks() {
    List<String> three = FOUR.subList(0, 3);
    for (String user : three) {
      store().join(groupJoin(three, user, "gw1", user + "1"));
    }
    store().park(session, "alice", "alice1", NOW, 0);
    store().park(session, "bob", "bob1", NOW, 0);
    assertTrue(store().openSessionIds(10_000).contains(session), "carol still holds a socket");
    store().park(session, "carol", "carol1", NOW, 0);
    assertFalse(store().openSessionIds(10_000).contains(session), "everyone parked");
  }

  /** How an adapter reports the call's total of {@code messagesSent} (while someone is still in it). */
  protected abstract long messagesSent(String sessionId);
}
