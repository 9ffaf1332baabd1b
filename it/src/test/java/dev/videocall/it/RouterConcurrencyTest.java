package dev.videocall.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.firestore.Firestore;
import com.google.cloud.pubsub.v1.SubscriptionAdminClient;
import com.google.pubsub.v1.ReceivedMessage;
import dev.videocall.contract.Delivery;
import dev.videocall.contract.Envelope;
import dev.videocall.contract.Envelope.Event;
import dev.videocall.contract.WireCodec;
import dev.videocall.contract.invite.InviteTokens;
import dev.videocall.contract.invite.SigningKeys;
import dev.videocall.core.CoreConfig;
import dev.videocall.gcp.FirestoreClients;
import dev.videocall.gcp.GatewayHeartbeats;
import dev.videocall.gcp.PubSubClients;
import dev.videocall.emulated.ChildJvm;
import dev.videocall.testkit.RequiresEmulators;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The router deployed with request concurrency (Terraform gives it many requests per instance): one
 * invoker process takes the push requests of many connections at once, as Pub/Sub sends them (one
 * at a time per ordering key, all keys in parallel). Every relay must come out exactly once, each
 * connection's in order, and no envelope may fail.
 */
@ExtendWith(RequiresEmulators.class)
class RouterConcurrencyTest {
  static final int CALLS = 40;
  static final int CANDIDATES_PER_SIDE = 10;
  static final int PARALLEL_REQUESTS = 32;

  @Test
  void manyCallsAtOnceThroughOneInstanceLoseAndReorderNothing() throws Exception {
    Emulators emulators = Emulators.requireRunning();
    String keys = CoreConfig.newKeySpec("conc");
    InviteTokens tokens = new InviteTokens(SigningKeys.parse(keys));
    Map<String, String> env = new HashMap<>(emulators.env());
    env.put("INVITE_SIGNING_KEYS", keys);
    String observer = "observer-" + emulators.suffix;
    try (PubSubClients clients = new PubSubClients(emulators.config());
        Firestore db = FirestoreClients.create(emulators.config())) {
      emulators.createTopics(clients);
      Emulators.createOrderedSubscription(clients, emulators.egressTopic, observer);
      new GatewayHeartbeats(db).beat("gw-conc", Instant.now(), 0, Instant.now());
      try (ChildJvm router = ChildJvm.invoker(Emulators.deployables(), "router-conc-" + emulators.suffix, "dev.videocall.functions.RouterFunction", env, Emulators.LOG_DIR)) {
        router.awaitHttp("/", 90);
        URI endpoint = URI.create("http://localhost:" + router.port + "/");

        // Each connection's envelopes, in order: open, then (after both opened) its frames, then bye.
        List<List<Envelope>> opens = new ArrayList<>();
        List<List<Envelope>> frames = new ArrayList<>();
        for (int c = 0; c < CALLS; c++) {
          String session = tokens.newSessionId();
          Instant exp = Instant.now().plusSeconds(3600);
          String ta = tokens.mint(session, "alice", "bob", exp);
          String tb = tokens.mint(session, "bob", "alice", exp);
          String ca = "a" + c + "-" + emulators.suffix;
          String cb = "b" + c + "-" + emulators.suffix;
          opens.add(List.of(new Envelope(ca, "gw-conc", Event.OPEN, 0, "alice", "bob", ta, null, null, "ua", null)));
          opens.add(List.of(new Envelope(cb, "gw-conc", Event.OPEN, 0, "bob", "alice", tb, null, null, "ua", null)));
          frames.add(side(ca, "alice", "bob", ta, "{\"type\":\"answer\",\"sdp\":\"v=0 a\"}"));
          frames.add(side(cb, "bob", "alice", tb, "{\"type\":\"offer\",\"sdp\":\"v=0 b\"}"));
        }
        AtomicInteger failures = new AtomicInteger();
        postAll(endpoint, opens, failures);
        postAll(endpoint, frames, failures);
        assertEquals(0, failures.get(), "every push answered 2xx");

        // Per target connection, the relayed frames in the order they were published.
        Map<String, List<String>> relayed = new ConcurrentHashMap<>();
        int expected = CALLS * 2 * (1 + CANDIDATES_PER_SIDE);
        // A pull waits for messages (the loop ends once all came); generous for a busy machine.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        try (SubscriptionAdminClient admin = clients.subscriptionAdmin()) {
          String sub = clients.subscription(observer).toString();
          int seen = 0;
          while (seen < expected && System.nanoTime() < deadline) {
            List<String> acks = new ArrayList<>();
            for (ReceivedMessage m : admin.pull(sub, 1000).getReceivedMessagesList()) {
              acks.add(m.getAckId());
              for (Delivery d : WireCodec.decodeDeliveries(m.getMessage().getData().toStringUtf8())) {
                if (d.frame() != null && d.frame().toString().contains("\"from\"")) {
                  relayed.computeIfAbsent(d.connectionId(), k -> new ArrayList<>()).add(d.frame().toString());
                  seen++;
                }
              }
            }
            if (!acks.isEmpty()) {
              admin.acknowledge(sub, acks);
            }
          }
        }
        assertEquals(CALLS * 2, relayed.size(), "every connection heard its peer");
        for (var e : relayed.entrySet()) {
          List<String> got = e.getValue();
          assertEquals(1 + CANDIDATES_PER_SIDE, got.size(), e.getKey() + " heard each relay exactly once: " + got);
          assertTrue(got.get(0).contains("\"sdp\""), e.getKey() + " heard the description first: " + got.get(0));
          for (int i = 0; i < CANDIDATES_PER_SIDE; i++) {
            assertTrue(got.get(1 + i).contains("\"candidate:" + i + "\""), e.getKey() + " candidate " + i + " in order: " + got);
          }
        }
      }
    }
  }

  private static List<Envelope> side(String conn, String user, String peer, String token, String description) {
    List<Envelope> out = new ArrayList<>();
    long seq = 1;
    out.add(new Envelope(conn, "gw-conc", Event.FRAME, seq++, user, peer, token, List.of(description), null, null, null));
    for (int i = 0; i < CANDIDATES_PER_SIDE; i++) {
      String candidate = "{\"type\":\"candidate\",\"ice\":{\"candidate\":\"candidate:" + i + "\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0}}";
      out.add(new Envelope(conn, "gw-conc", Event.FRAME, seq++, user, peer, token, List.of(candidate), null, null, null));
    }
    return out;
  }

  /** Posts every connection's envelopes, one at a time per connection and many connections at once. */
  private static void postAll(URI endpoint, List<List<Envelope>> perConnection, AtomicInteger failures) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    ExecutorService pool = Executors.newFixedThreadPool(PARALLEL_REQUESTS);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (List<Envelope> connection : perConnection) {
        done.add(pool.submit(() -> {
          for (Envelope e : connection) {
            String data = Base64.getEncoder().encodeToString(WireCodec.encode(e).getBytes(StandardCharsets.UTF_8));
            String body = "{\"message\":{\"data\":\"" + data + "\",\"orderingKey\":\"" + e.orderingKey() + "\"}}";
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(endpoint).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() / 100 != 2) {
              failures.incrementAndGet();
            }
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
