package dev.videocall.functions.gcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.cloud.firestore.Firestore;
import dev.videocall.contract.Delivery;
import dev.videocall.contract.Envelope;
import dev.videocall.contract.Envelope.Event;
import dev.videocall.core.GatewayLiveness;
import dev.videocall.core.IceServers;
import dev.videocall.contract.invite.InviteTokens;
import dev.videocall.core.Participant;
import dev.videocall.core.PresenceStore;
import dev.videocall.gcp.CloudConfig;
import dev.videocall.gcp.FirestoreClients;
import dev.videocall.testkit.EmulatorSupport;
import dev.videocall.testkit.RequiresEmulators;
import dev.videocall.contract.invite.SigningKeys;
import dev.videocall.core.SignalingRouter;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Counts what one typical call costs on the cloud path — envelopes in, deliveries out, presence
 * calls, and the Firestore writes per document as Firestore's own listeners see them — by running it through the
 * router on the Firestore emulator. Firestore sustains about one write per second per document, so
 * relaying must write nothing and a call's document is written only as people join and leave. The
 * figures feed the cost model in docs/deploy.md and docs/architecture.md.
 */
@ExtendWith(RequiresEmulators.class)
class CallProfileTest {

  /** Counts presence calls by method, passing them on to the real store. */
  static final class CountingPresence implements PresenceStore {
    final PresenceStore inner;
    final Map<String, AtomicLong> calls = new TreeMap<>();

    CountingPresence(PresenceStore inner) {
      this.inner = inner;
    }

    private void count(String method) {
      calls.computeIfAbsent(method, k -> new AtomicLong()).incrementAndGet();
    }

    @Override
    public JoinResult join(Join join) {
      count("join");
      return inner.join(join);
    }

    @Override
    public LeaveResult leave(String sessionId, String userId, String connectionId, Instant now, long messagesSent) {
      count("leave");
      return inner.leave(sessionId, userId, connectionId, now, messagesSent);
    }

    @Override
    public ParkResult park(String sessionId, String userId, String connectionId, Instant now, long messagesSent) {
      count("park");
      return inner.park(sessionId, userId, connectionId, now, messagesSent);
    }

    @Override
    public Map<String, Participant> participants(String sessionId) {
      count("participants");
      return inner.participants(sessionId);
    }

    @Override
    public Map<String, Participant> participants(String sessionId, java.util.Collection<String> userIds) {
      count("participants");
      return inner.participants(sessionId, userIds);
    }

    @Override
    public List<String> openSessionIds(int limit) {
      count("openSessionIds");
      return inner.openSessionIds(limit);
    }
  }

  @Test
  void oneTypicalCall() throws Exception {
    var hosts = EmulatorSupport.hosts();
    assumeTrue(hosts.isPresent(), EmulatorSupport::whyMissing);
    Firestore db = FirestoreClients.create(CloudConfig.fromEnv(Map.of("FIRESTORE_EMULATOR_HOST", hosts.get().firestore())));
    WriteCounter writes = null;
    try {
      CountingPresence presence = new CountingPresence(new FirestorePresenceStore(db));
      List<Delivery> deliveries = new ArrayList<>();
      AtomicLong livenessChecks = new AtomicLong();
      GatewayLiveness liveness = (g, now) -> {
        livenessChecks.incrementAndGet();
        return true;
      };
      InviteTokens tokens = new InviteTokens(SigningKeys.of("k", "0123456789abcdef0123456789abcdef".getBytes()));
      SignalingRouter router = new SignalingRouter(tokens, presence, liveness, IceServers.stunOnly(List.of("stun:x")), Clock.systemUTC());
      String session = tokens.newSessionId();
      writes = new WriteCounter(db, session);
      Instant exp = Instant.now().plusSeconds(3600);
      String ta = tokens.mint(session, "alice", "bob", exp);
      String tb = tokens.mint(session, "bob", "alice", exp);
      long[] seq = new long[2];
      List<Envelope> envelopes = new ArrayList<>();
      java.util.function.BiConsumer<Integer, String> frame = (who, payload) -> envelopes.add(new Envelope(
          who == 0 ? "ca" : "cb", "gw", Event.FRAME, ++seq[who], who == 0 ? "alice" : "bob", who == 0 ? "bob" : "alice", who == 0 ? ta : tb, List.of(payload), null, "ua", null));

      envelopes.add(new Envelope("ca", "gw", Event.OPEN, 0, "alice", "bob", ta, null, null, "ua", null));
      envelopes.add(new Envelope("cb", "gw", Event.OPEN, 0, "bob", "alice", tb, null, null, "ua", null));
      frame.accept(1, "{\"type\":\"offer\",\"sdp\":\"v=0\"}");
      frame.accept(0, "{\"type\":\"answer\",\"sdp\":\"v=0\"}");
      // A browser on a home network trickles about ten candidates per side (host, srflx, per interface).
      for (int i = 0; i < 10; i++) {
        frame.accept(0, "{\"type\":\"candidate\",\"ice\":{\"candidate\":\"c" + i + "\",\"sdpMid\":\"0\"}}");
        frame.accept(1, "{\"type\":\"candidate\",\"ice\":{\"candidate\":\"c" + i + "\",\"sdpMid\":\"0\"}}");
      }
      frame.accept(1, "{\"type\":\"bye\"}");
      envelopes.add(new Envelope("cb", "gw", Event.CLOSE, ++seq[1], "bob", "alice", tb, null, 1000, "ua", null));
      envelopes.add(new Envelope("ca", "gw", Event.CLOSE, ++seq[0], "alice", "bob", ta, null, 1000, "ua", null));
      // Opens, then the relays, then the bye and the closes, counting Firestore writes per document.
      // A listener may report two quick writes to one document as one snapshot, so each envelope that
      // joins or leaves waits until its writes have been reported before the next one is handled.
      for (Envelope e : envelopes.subList(0, 2)) {
        deliveries.addAll(router.handle(e));
        writes.settle();
      }
      Map<String, Long> afterJoins = writes.snapshot();
      envelopes.subList(2, 24).forEach(e -> deliveries.addAll(router.handle(e)));
      Map<String, Long> afterRelays = writes.snapshot();
      for (Envelope e : envelopes.subList(24, envelopes.size())) {
        deliveries.addAll(router.handle(e));
        writes.settle();
      }
      Map<String, Long> atEnd = writes.snapshot();

      assertEquals(22, deliveries.stream().filter(d -> d.frame() != null && d.frame().toString().contains("\"from\"")).count(), "every relay delivered");
      assertEquals(afterJoins, afterRelays, "relaying writes nothing to Firestore");
      String sessionDoc = "sessions/" + session;
      assertEquals(4, atEnd.get(sessionDoc), "the call's document is written at each join and leave, nothing else: " + atEnd);
      atEnd.forEach((doc, n) -> assertTrue(n <= 4, doc + " written " + n + " times in one call"));
      System.out.printf("call profile: %d envelopes in, %d deliveries out, presence calls %s, liveness checks %d, writes per document %s%n",
          envelopes.size(), deliveries.size(), presence.calls, livenessChecks.get(), atEnd);
    } finally {
      if (writes != null) {
        writes.close();
      }
      // Not close(): the emulator does not end a listener's stream when asked, and close() waits for it.
      db.shutdownNow();
    }
  }

  /**
   * Counts the writes to the call's documents as Firestore reports them: a listener on the session
   * document and on its participants, counting each new update time (a delete counts once too).
   */
  static final class WriteCounter implements AutoCloseable {
    private final Map<String, java.util.Set<com.google.cloud.Timestamp>> versions = new ConcurrentHashMap<>();
    private final Map<String, Long> deletes = new ConcurrentHashMap<>();
    private final List<com.google.cloud.firestore.ListenerRegistration> listeners = new ArrayList<>();

    WriteCounter(Firestore db, String session) {
      var sessionRef = db.collection("sessions").document(session);
      listeners.add(sessionRef.addSnapshotListener((snap, error) -> {
        if (snap != null && snap.exists()) {
          versions.computeIfAbsent("sessions/" + session, k -> ConcurrentHashMap.newKeySet()).add(snap.getUpdateTime());
        }
      }));
      listeners.add(sessionRef.collection("participants").addSnapshotListener((snap, error) -> {
        if (snap == null) {
          return;
        }
        for (var change : snap.getDocumentChanges()) {
          String name = "sessions/" + session + "/participants/" + change.getDocument().getId();
          if (change.getType() == com.google.cloud.firestore.DocumentChange.Type.REMOVED) {
            deletes.merge(name, 1L, Long::sum);
          } else {
            versions.computeIfAbsent(name, k -> ConcurrentHashMap.newKeySet()).add(change.getDocument().getUpdateTime());
          }
        }
      }));
    }

    /**
     * Waits for what was just written to be reported: up to 1 s for a first new report (an envelope
     * may write nothing), then until nothing new came for 200 ms (at most 5 s in all).
     */
    void settle() throws InterruptedException {
      long started = System.nanoTime();
      long deadline = started + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
      long before = total();
      while (total() == before && System.nanoTime() - started < java.util.concurrent.TimeUnit.SECONDS.toNanos(1)) {
        Thread.sleep(10);
      }
      long seen = total();
      long quietSince = System.nanoTime();
      while (System.nanoTime() < deadline && System.nanoTime() - quietSince < java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(200)) {
        Thread.sleep(20);
        long now = total();
        if (now != seen) {
          seen = now;
          quietSince = System.nanoTime();
        }
      }
    }

    private long total() {
      long n = deletes.values().stream().mapToLong(Long::longValue).sum();
      for (var times : versions.values()) {
        n += times.size();
      }
      return n;
    }

    /** Writes seen so far per document, after waiting for the listeners to catch up. */
    Map<String, Long> snapshot() throws InterruptedException {
      Thread.sleep(500);
      Map<String, Long> out = new TreeMap<>();
      versions.forEach((doc, times) -> out.put(doc, (long) times.size()));
      deletes.forEach((doc, n) -> out.merge(doc, n, Long::sum));
      return out;
    }

    @Override
    public void close() {
      listeners.forEach(com.google.cloud.firestore.ListenerRegistration::remove);
    }
  }
}
