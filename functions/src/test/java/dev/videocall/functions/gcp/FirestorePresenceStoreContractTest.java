package dev.videocall.functions.gcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.cloud.firestore.Firestore;
import dev.videocall.core.PresenceStore;
import dev.videocall.gcp.CloudConfig;
import dev.videocall.gcp.FirestoreClients;
import dev.videocall.testkit.EmulatorSupport;
import dev.videocall.testkit.RequiresEmulators;
import dev.videocall.testkit.PresenceStoreContract;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The presence contract on the Firestore emulator named by FIRESTORE_EMULATOR_HOST. */
@ExtendWith(RequiresEmulators.class)
class FirestorePresenceStoreContractTest extends PresenceStoreContract {
  private static Firestore db;
  private static FirestorePresenceStore store;

  @BeforeAll
  static void connect() {
    var hosts = EmulatorSupport.hosts();
    assumeTrue(hosts.isPresent(), EmulatorSupport::whyMissing);
    db = FirestoreClients.create(CloudConfig.fromEnv(Map.of("FIRESTORE_EMULATOR_HOST", hosts.get().firestore())));
    store = new FirestorePresenceStore(db);
  }

  @AfterAll
  static void disconnect() throws Exception {
    if (db != null) {
      db.close();
    }
  }

  @Override
  protected PresenceStore store() {
    return store;
  }

  /** What a person reading the console sees: the call's state and the participants' openedAt and parkedAt. */
  @Test
  void theConsoleShowsParkedCallsAndParkedPeople() throws Exception {
    String session = "s" + java.util.UUID.randomUUID().toString().replace("-", "");
    java.time.Instant now = java.time.Instant.parse("2026-11-25T10:00:00Z");
    var in = (java.util.function.BiConsumer<String, String>) (user, conn) -> store.join(new PresenceStore.Join(
        session, user, user.equals("alice") ? "bob" : "alice", new dev.videocall.contract.ConnectionRef("gw1", conn), now, "ua", now.plusSeconds(3600),
        now));
    in.accept("alice", "a1");
    assertEquals("waiting", state(session));
    assertEquals(com.google.cloud.Timestamp.parseTimestamp("2026-11-25T10:00:00Z"),
        db.collection("sessions").document(session).collection("participants").document("alice").get().get().getTimestamp("openedAt"),
        "when the connection opened, a timestamp the console shows as a date");
    in.accept("bob", "b1");
    assertEquals("active", state(session));
    store.park(session, "alice", "a1", now, 0);
    assertEquals("active", state(session), "bob still holds a socket");
    assertNotNull(db.collection("sessions").document(session).collection("participants").document("alice").get().get().getTimestamp("parkedAt"));
    store.park(session, "bob", "b1", now, 0);
    assertEquals("parked", state(session), "the call goes on with no socket open");
    in.accept("alice", "a2");
    assertEquals("active", state(session));
    assertNull(db.collection("sessions").document(session).collection("participants").document("alice").get().get().get("parkedAt"),
        "unparked");
    store.leave(session, "alice", "a2", now, 0);
    assertEquals("parked", state(session), "only parked bob is left");
  }

  /** A call of three in the console: its members once, one document per person, its state as they come and go. */
  @Test
  void theConsoleShowsACallOfThreeOneDocumentPerPerson() throws Exception {
    String session = "s" + java.util.UUID.randomUUID().toString().replace("-", "");
    java.time.Instant now = java.time.Instant.parse("2026-11-25T10:00:00Z");
    java.util.List<String> people = java.util.List.of("carol", "alice", "bob");
    var in = (java.util.function.BiConsumer<String, String>) (user, conn) -> store.join(new PresenceStore.Join(
        session, user, people.stream().filter(p -> !p.equals(user)).toList(), new dev.videocall.contract.ConnectionRef("gw1", conn), now,
        "ua", now.plusSeconds(3600), now));
    in.accept("carol", "c1");
    assertEquals("waiting", state(session));
    assertEquals(java.util.List.of("alice", "bob", "carol"), db.collection("sessions").document(session).get().get().get("users"));
    in.accept("alice", "a1");
    in.accept("bob", "b1");
    assertEquals("active", state(session));
    var docs = db.collection("sessions").document(session).collection("participants").get().get().getDocuments();
    assertEquals(java.util.Set.of("alice", "bob", "carol"), docs.stream().map(d -> d.getId()).collect(java.util.stream.Collectors.toSet()));
    store.park(session, "alice", "a1", now, 0);
    store.park(session, "bob", "b1", now, 0);
    assertEquals("active", state(session), "carol still holds a socket");
    store.leave(session, "carol", "c1", now, 0);
    assertEquals("parked", state(session), "alice and bob go on peer to peer");
    store.leave(session, "alice", "a1", now, 0);
    store.leave(session, "bob", "b1", now, 0);
    assertEquals("ended", state(session));
  }

  private static String state(String session) throws Exception {
    return db.collection("sessions").document(session).get().get().getString("state");
  }

  @Override
  protected long messagesSent(String sessionId) {
    try {
      Long n = db.collection("sessions").document(sessionId).get().get().getLong("messagesSent");
      return n == null ? 0 : n;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
