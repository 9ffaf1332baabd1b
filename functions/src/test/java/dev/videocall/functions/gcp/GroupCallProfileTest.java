package dev.videocall.functions.gcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.cloud.firestore.Firestore;
import dev.videocall.contract.Delivery;
import dev.videocall.contract.Envelope;
import dev.videocall.contract.invite.InviteTokens;
import dev.videocall.contract.invite.SigningKeys;
import dev.videocall.core.GatewayLiveness;
import dev.videocall.core.IceServers;
import dev.videocall.core.SignalingRouter;
import dev.videocall.gcp.CloudConfig;
import dev.videocall.gcp.FirestoreClients;
import dev.videocall.testkit.EmulatorSupport;
import dev.videocall.testkit.RequiresEmulators;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a call of two, three or four people costs on the cloud path, counted by running the same
 * call through the router on the Firestore emulator: everyone joins, every pair negotiates (an offer,
 * an answer and ten candidates each way, each frame in its own envelope: no packing, so an upper
 * bound), everyone parks, and then everyone hangs up (a parked page opens its link, says bye and
 * closes). Counted per stretch: envelopes (= router invocations), egress messages (= publishes, as
 * {@link PubSubEgress} groups an envelope's deliveries), documents read (the adapter's own count) and
 * Firestore writes per document (listeners on the emulator). The figures feed docs/deploy.md, "What
 * a call costs"; what a relayed message costs is asserted: the same in a call of four as of two.
 */
@ExtendWith(RequiresEmulators.class)
class GroupCallProfileTest {
  static final List<String> PEOPLE = List.of("alice", "bob", "carol", "dave");
  static final int CANDIDATES_PER_SIDE = 10;

  /** Running totals of one call. */
  static final class Tally {
    long envelopes;
    long egress;
    long reads;
    long writes;

    Tally minus(Tally before) {
      Tally t = new Tally();
      t.envelopes = envelopes - before.envelopes;
      t.egress = egress - before.egress;
      t.reads = reads - before.reads;
      t.writes = writes - before.writes;
      return t;
    }

    Tally copy() {
      return minus(new Tally());
    }

    @Override
    public String toString() {
      return envelopes + " envelopes, " + egress + " egress messages, " + reads + " document reads, " + writes + " writes";
    }
  }

  @ParameterizedTest(name = "{0} people")
  @ValueSource(ints = {2, 3, 4})
  void aCallFromJoinToHangUp(int size) throws Exception {
    var hosts = EmulatorSupport.hosts();
    assumeTrue(hosts.isPresent(), EmulatorSupport::whyMissing);
    Firestore db = FirestoreClients.create(CloudConfig.fromEnv(Map.of("FIRESTORE_EMULATOR_HOST", hosts.get().firestore())));
    CallProfileTest.WriteCounter writes = null;
    try {
      FirestorePresenceStore store = new FirestorePresenceStore(db);
      CallProfileTest.CountingPresence presence = new CallProfileTest.CountingPresence(store);
      AtomicLong livenessChecks = new AtomicLong();
      GatewayLiveness liveness = (g, now) -> {
        livenessChecks.incrementAndGet();
        return true;
      };
      InviteTokens tokens = new InviteTokens(SigningKeys.of("k", "0123456789abcdef0123456789abcdef".getBytes()));
      SignalingRouter router = new SignalingRouter(tokens, presence, liveness, IceServers.stunOnly(List.of("stun:x")), Clock.systemUTC());
      String session = tokens.newSessionId();
      writes = new CallProfileTest.WriteCounter(db, session);
      List<String> people = PEOPLE.subList(0, size);
      Call call = new Call(router, store, writes, tokens, session, people);

      people.forEach(call::open);
      Tally joined = call.tally();
      for (int j = 0; j < size; j++) {
        for (int i = 0; i < j; i++) {
          // The later joiner offers (its welcome said offerer); both trickle.
          String offerer = people.get(j);
          String answerer = people.get(i);
          call.send(offerer, "{\"type\":\"offer\",\"sdp\":\"v=0\",\"to\":\"" + answerer + "\"}");
          call.send(answerer, "{\"type\":\"answer\",\"sdp\":\"v=0\",\"to\":\"" + offerer + "\"}");
          for (int k = 0; k < CANDIDATES_PER_SIDE; k++) {
            call.send(answerer, candidate(k, offerer));
            call.send(offerer, candidate(k, answerer));
          }
        }
      }
      Tally relays = call.tally().minus(joined);
      people.forEach(call::park);
      Tally setUp = call.tally();
      for (String user : people) {
        call.open(user);
        call.send(user, "{\"type\":\"bye\"}");
        call.close(user, 1000);
      }
      Tally hangUp = call.tally().minus(setUp);

      int pairs = size * (size - 1) / 2;
      long relayEnvelopes = pairs * (2 + 2L * CANDIDATES_PER_SIDE);
      assertEquals(relayEnvelopes, relays.envelopes);
      assertEquals(relayEnvelopes, call.relaysDelivered, "every relay delivered");
      // A relayed message costs what it costs in a call of two: one egress message, two documents read
      // (its sender's and its recipient's, in one request), no write.
      assertEquals(relayEnvelopes, relays.egress, "one egress message per relayed message");
      assertEquals(2 * relayEnvelopes, relays.reads, "two documents read per relayed message");
      assertEquals(0, relays.writes, "relaying writes nothing");
      // A join and a park each write the call's document and the person's own.
      assertEquals(4L * size, setUp.writes, "set-up writes: " + writes.snapshot());
      System.out.printf("group call profile, %d people (%d pairs): set-up %s (joins: %s; relays: %s); hang-up %s; "
          + "presence calls %s; liveness checks %d%n",
          size, pairs, setUp, joined, relays, hangUp, presence.calls, livenessChecks.get());
    } finally {
      if (writes != null) {
        writes.close();
      }
      db.shutdownNow();
    }
  }

  static String candidate(int i, String to) {
    return "{\"type\":\"candidate\",\"ice\":{\"candidate\":\"c" + i + "\",\"sdpMid\":\"0\"},\"to\":\"" + to + "\"}";
  }

  /** One call's people, each with a connection that is opened again after parking; counts as it goes. */
  static final class Call {
    final SignalingRouter router;
    final FirestorePresenceStore store;
    final CallProfileTest.WriteCounter writes;
    final Map<String, String> tokens = new HashMap<>();
    final Map<String, String> peers = new HashMap<>();
    final Map<String, Integer> connection = new HashMap<>();
    final Map<String, Long> seq = new HashMap<>();
    final Tally tally = new Tally();
    long relaysDelivered;

    Call(SignalingRouter router, FirestorePresenceStore store, CallProfileTest.WriteCounter writes, InviteTokens t, String session,
        List<String> people) {
      this.router = router;
      this.store = store;
      this.writes = writes;
      Instant exp = Instant.now().plusSeconds(3600);
      for (String user : people) {
        List<String> others = people.stream().filter(p -> !p.equals(user)).toList();
        tokens.put(user, t.mint(session, user, others, exp));
        peers.put(user, Envelope.joinPeerIds(others));
      }
    }

    String conn(String user) {
      return user + "-" + connection.getOrDefault(user, 0);
    }

    void open(String user) {
      connection.merge(user, 1, Integer::sum);
      seq.put(conn(user), 0L);
      handle(Envelope.open(conn(user), "gw", user, peers.get(user), tokens.get(user), "ua"), true);
    }

    void send(String user, String frame) {
      long n = seq.merge(conn(user), 1L, Long::sum);
      List<Delivery> out = handle(Envelope.frame(conn(user), "gw", n, user, peers.get(user), tokens.get(user), frame), frame.contains("bye"));
      relaysDelivered += out.stream().filter(d -> d.frame() != null && d.frame().contains("\"from\"")).count();
    }

    void park(String user) {
      close(user, 4100);
    }

    void close(String user, int code) {
      long n = seq.merge(conn(user), 1L, Long::sum);
      handle(Envelope.close(conn(user), "gw", n, user, peers.get(user), tokens.get(user), code), true);
    }

    /** Handles one envelope; one that may write waits until its writes were reported. */
    private List<Delivery> handle(Envelope e, boolean mayWrite) {
      List<Delivery> out = router.handle(e);
      tally.envelopes++;
      tally.egress += PubSubEgress.byConnection(out).size();
      if (mayWrite) {
        try {
          writes.settle();
        } catch (InterruptedException ex) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(ex);
        }
      }
      return out;
    }

    Tally tally() throws InterruptedException {
      tally.reads = store.documentsRead();
      tally.writes = writes.snapshot().values().stream().mapToLong(Long::longValue).sum();
      return tally.copy();
    }
  }
}
