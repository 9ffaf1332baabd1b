package dev.videocall.functions.gcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Counts what one typical call costs on the cloud path — envelopes in, deliveries out, and presence
 * calls — by running it through the router on the Firestore emulator. The figures feed the cost
 * model in docs/deploy.md and docs/architecture.md; the test prints them and checks the call worked.
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
    public LeaveResult leave(String sessionId, String userId, String connectionId, Instant now) {
      count("leave");
      return inner.leave(sessionId, userId, connectionId, now);
    }

    @Override
    public Map<String, Participant> participants(String sessionId) {
      count("participants");
      return inner.participants(sessionId);
    }

    @Override
    public List<String> openSessionIds(int limit) {
      count("openSessionIds");
      return inner.openSessionIds(limit);
    }

    @Override
    public void recordRelayed(String sessionId, String userId, Instant now) {
      count("recordRelayed");
      inner.recordRelayed(sessionId, userId, now);
    }
  }

  @Test
  void oneTypicalCall() throws Exception {
    var hosts = EmulatorSupport.hosts();
    assumeTrue(hosts.isPresent(), EmulatorSupport::whyMissing);
    try (Firestore db = FirestoreClients.create(CloudConfig.fromEnv(Map.of("FIRESTORE_EMULATOR_HOST", hosts.get().firestore())))) {
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
      Instant exp = Instant.now().plusSeconds(3600);
      String ta = tokens.mint(session, "alice", "bob", exp);
      String tb = tokens.mint(session, "bob", "alice", exp);
      long[] seq = new long[2];
      List<Envelope> envelopes = new ArrayList<>();
      java.util.function.BiConsumer<Integer, String> frame = (who, payload) -> envelopes.add(new Envelope(
          who == 0 ? "ca" : "cb", "gw", Event.FRAME, ++seq[who], who == 0 ? "alice" : "bob", who == 0 ? "bob" : "alice", who == 0 ? ta : tb, payload, null, "ua"));

      envelopes.add(new Envelope("ca", "gw", Event.OPEN, 0, "alice", "bob", ta, null, null, "ua"));
      envelopes.add(new Envelope("cb", "gw", Event.OPEN, 0, "bob", "alice", tb, null, null, "ua"));
      frame.accept(1, "{\"type\":\"offer\",\"sdp\":\"v=0\"}");
      frame.accept(0, "{\"type\":\"answer\",\"sdp\":\"v=0\"}");
      // A browser on a home network trickles about ten candidates per side (host, srflx, per interface).
      for (int i = 0; i < 10; i++) {
        frame.accept(0, "{\"type\":\"candidate\",\"ice\":{\"candidate\":\"c" + i + "\",\"sdpMid\":\"0\"}}");
        frame.accept(1, "{\"type\":\"candidate\",\"ice\":{\"candidate\":\"c" + i + "\",\"sdpMid\":\"0\"}}");
      }
      frame.accept(1, "{\"type\":\"bye\"}");
      envelopes.add(new Envelope("cb", "gw", Event.CLOSE, ++seq[1], "bob", "alice", tb, null, 1000, "ua"));
      envelopes.add(new Envelope("ca", "gw", Event.CLOSE, ++seq[0], "alice", "bob", ta, null, 1000, "ua"));
      envelopes.forEach(e -> deliveries.addAll(router.handle(e)));

      assertEquals(22, deliveries.stream().filter(d -> d.frame() != null && d.frame().contains("\"from\"")).count(), "every relay delivered");
      System.out.printf("call profile: %d envelopes in, %d deliveries out, presence calls %s, liveness checks %d%n",
          envelopes.size(), deliveries.size(), presence.calls, livenessChecks.get());
    }
  }
}
