package dev.videocall.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.firestore.Firestore;
import com.google.cloud.pubsub.v1.SubscriptionAdminClient;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.pubsub.v1.ReceivedMessage;
import dev.videocall.contract.Delivery;
import dev.videocall.contract.Envelope;
import dev.videocall.contract.WireCodec;
import dev.videocall.contract.invite.InviteTokens;
import dev.videocall.contract.invite.SigningKeys;
import dev.videocall.core.CoreConfig;
import dev.videocall.emulated.ChildJvm;
import dev.videocall.gcp.FirestoreClients;
import dev.videocall.gcp.GatewayHeartbeats;
import dev.videocall.gcp.PubSubClients;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Presence is right only if a join is a transaction: two people who join one call at the same
 * instant must each learn of the other (the later join reads the earlier one's write, or waits for
 * it), and a reconnect's join racing the leave of its own old connection must end with the new
 * connection in the call. The router under the Functions Framework invoker, on Google's Firestore
 * emulator (which serializes transactions as Firestore does); each pair of envelopes is posted to it
 * at the same instant, as two push requests. On a Firestore that does not isolate transactions (the
 * npm stand-in this project used before) or with a join that reads and then writes outside a
 * transaction, both joins see nobody and both people wait for ever.
 */
@ExtendWith(RequiresEmulators.class)
class SimultaneousJoinTest {
  static final int CALLS = 20;
  static final int RECONNECTS = 8;
  static final String GATEWAY = "gw-race";

  static Emulators emulators;
  static InviteTokens tokens;
  static PubSubClients clients;
  static Firestore db;
  static ChildJvm router;
  static URI endpoint;
  static String observer;
  static final HttpClient http = HttpClient.newHttpClient();
  /** One thread per envelope of a pair (the common pool may have just one on two cores). */
  static final java.util.concurrent.ExecutorService posters = java.util.concurrent.Executors.newFixedThreadPool(2);

  @BeforeAll
  static void startRouter() throws Exception {
    emulators = Emulators.requireRunning();
    String keys = CoreConfig.newKeySpec("race");
    tokens = new InviteTokens(SigningKeys.parse(keys));
    Map<String, String> env = new HashMap<>(emulators.env());
    env.put("INVITE_SIGNING_KEYS", keys);
    // One beat at the start stands for a gateway alive throughout, however slow the machine.
    env.put("HEARTBEAT_WINDOW_SECONDS", "3600");
    clients = new PubSubClients(emulators.config());
    db = FirestoreClients.create(emulators.config());
    emulators.createTopics(clients);
    observer = "race-observer-" + emulators.suffix;
    // Unordered: the test needs no order within a connection (presence is sorted by epoch below).
    Emulators.createSubscription(clients, emulators.egressTopic, observer, false);
    // The gateway "holding" every connection: alive for the whole test (the window above).
    new GatewayHeartbeats(db).beat(GATEWAY, Instant.now(), 0, Instant.now());
    router = ChildJvm.invoker(Emulators.deployables(), "router-race-" + emulators.suffix, "dev.videocall.functions.RouterFunction", env,
        Emulators.LOG_DIR);
    router.awaitHttp("/", 90);
    endpoint = URI.create("http://127.0.0.1:" + router.port + "/");
  }

  @AfterAll
  static void stop() throws Exception {
    System.out.printf("simultaneous joins: %d pushes answered 500 and retried (Firestore aborted a racing transaction)%n", retried.get());
    posters.shutdownNow();
    if (router != null) {
      router.close();
    }
    if (db != null) {
      db.close();
    }
    if (clients != null) {
      clients.close();
    }
  }

  /** One person's link into a call. */
  record Person(String session, String user, String peer, String token, String connection) {
    Envelope open() {
      return new Envelope(connection, GATEWAY, Envelope.Event.OPEN, 0, user, peer, token, null, null, "race", null);
    }

    Person reconnected() {
      return new Person(session, user, peer, token, connection + "-again");
    }
  }

  static Person[] call(int i) {
    String session = tokens.newSessionId();
    Instant expiry = Instant.now().plusSeconds(3600);
    return new Person[] {
      new Person(session, "alice", "bob", tokens.mint(session, "alice", "bob", expiry), "a" + i + "-" + emulators.suffix),
      new Person(session, "bob", "alice", tokens.mint(session, "bob", "alice", expiry), "b" + i + "-" + emulators.suffix),
    };
  }

  @Test
  void twoPeopleJoiningAtTheSameInstantBothSeeEachOther() throws Exception {
    List<Person[]> calls = new ArrayList<>();
    for (int i = 0; i < CALLS; i++) {
      Person[] pair = call(i);
      calls.add(pair);
      postAtOnce(pair[0].open(), pair[1].open());
    }
    Map<String, List<JsonObject>> heard = drainEgress();
    List<String> stranded = new ArrayList<>();
    for (Person[] pair : calls) {
      for (int side = 0; side < 2; side++) {
        Person me = pair[side];
        List<JsonObject> mine = heard.getOrDefault(me.connection(), List.of());
        JsonObject welcome = first(mine, "welcome");
        assertTrue(welcome != null, me.user() + " of call " + me.session() + " got no welcome: " + mine);
        boolean seesPeer = welcome.get("peerPresent").getAsBoolean() || first(mine, "peer-joined") != null;
        if (!seesPeer) {
          stranded.add(me.user() + "@" + me.session() + " " + mine);
        }
      }
    }
    assertEquals(List.of(), stranded,
        "people who joined at the same instant as their peer and never learned of them (welcome peerPresent false, no peer-joined)");
  }

  @Test
  void aReconnectsJoinRacingItsOldConnectionsLeaveEndsWithTheNewConnectionInTheCall() throws Exception {
    List<Person[]> calls = new ArrayList<>();
    for (int i = 0; i < RECONNECTS; i++) {
      Person[] pair = call(100 + i);
      post(pair[0].open());
      post(pair[1].open());
      calls.add(pair);
    }
    drainEgress(); // the welcomes and peer-joined of the first joins
    for (Person[] pair : calls) {
      Person old = pair[0];
      // The page's socket dropped and it reconnects: the new connection's open and the old one's
      // close reach the router at the same instant.
      postAtOnce(old.reconnected().open(), Envelope.close(old.connection(), GATEWAY, 1, old.user(), old.peer(), old.token(), 1006));
    }
    Map<String, List<JsonObject>> heard = drainEgress();
    for (Person[] pair : calls) {
      Person again = pair[0].reconnected();
      Person bob = pair[1];
      String current = db.document("sessions/" + again.session() + "/participants/alice").get().get().getString("connectionId");
      assertEquals(again.connection(), current, "alice's current connection in " + again.session());
      JsonObject welcome = first(heard.getOrDefault(again.connection(), List.of()), "welcome");
      assertTrue(welcome != null && welcome.get("peerPresent").getAsBoolean(), "the new connection is welcomed with bob present: " + welcome);
      // What bob was told about alice, in epoch order, must end with her in the call.
      List<JsonObject> presence = heard.getOrDefault(bob.connection(), List.of()).stream()
          .filter(f -> f.has("epoch")).sorted(java.util.Comparator.comparingLong(f -> f.get("epoch").getAsLong())).toList();
      assertTrue(!presence.isEmpty(), "bob heard of alice's reconnect in " + again.session());
      assertEquals(presence.size(), presence.stream().map(f -> f.get("epoch").getAsLong()).distinct().count(),
          "every presence change has its own epoch: " + presence);
      assertEquals("peer-joined", presence.get(presence.size() - 1).get("type").getAsString(), "bob's last word on alice: " + presence);
    }
    // And the call works: bob's offer reaches alice's new connection.
    Person[] first = calls.get(0);
    post(Envelope.frame(first[1].connection(), GATEWAY, 1, "bob", "alice", first[1].token(), "{\"type\":\"offer\",\"sdp\":\"v=0 after\"}"));
    List<JsonObject> relayed = drainEgress().getOrDefault(first[0].reconnected().connection(), List.of());
    assertTrue(first(relayed, "offer") != null, "bob's offer reached alice's new connection: " + relayed);
  }

  static JsonObject first(List<JsonObject> frames, String type) {
    return frames.stream().filter(f -> type.equals(f.get("type").getAsString())).findFirst().orElse(null);
  }

  /**
   * Posts both envelopes as push requests released at the same instant; each must end answered 2xx.
   * A 500 (the router's answer when Firestore gave up on a transaction) is retried a second later,
   * as router-push's retry policy does.
   */
  static void postAtOnce(Envelope x, Envelope y) throws Exception {
    CyclicBarrier together = new CyclicBarrier(2);
    CompletableFuture<Integer> a = CompletableFuture.supplyAsync(() -> postAfter(together, x), posters);
    CompletableFuture<Integer> b = CompletableFuture.supplyAsync(() -> postAfter(together, y), posters);
    assertEquals(204, a.get(120, TimeUnit.SECONDS), "push of " + x.event() + " " + x.connectionId());
    assertEquals(204, b.get(120, TimeUnit.SECONDS), "push of " + y.event() + " " + y.connectionId());
  }

  static int postAfter(CyclicBarrier together, Envelope e) {
    try {
      HttpRequest request = push(e);
      together.await(10, TimeUnit.SECONDS);
      return pushedUntilAcknowledged(request);
    } catch (Exception ex) {
      throw new IllegalStateException(ex);
    }
  }

  static void post(Envelope e) throws Exception {
    assertEquals(204, pushedUntilAcknowledged(push(e)), "push of " + e.connectionId());
  }

  /** Retries counted over the class, printed at the end: how often Firestore aborted a racing transaction. */
  static final java.util.concurrent.atomic.AtomicInteger retried = new java.util.concurrent.atomic.AtomicInteger();

  /** POSTs until a 2xx, at most 10 times a second apart (router-push retries from 1 s on); returns the last status. */
  static int pushedUntilAcknowledged(HttpRequest request) throws Exception {
    int status = 0;
    for (int attempt = 0; attempt < 10; attempt++) {
      if (attempt > 0) {
        retried.incrementAndGet();
        Thread.sleep(1000);
      }
      status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
      if (status / 100 == 2) {
        return status;
      }
    }
    return status;
  }

  /** The request Pub/Sub push sends for an ingress message. */
  static HttpRequest push(Envelope e) {
    String data = Base64.getEncoder().encodeToString(WireCodec.encode(e).getBytes(StandardCharsets.UTF_8));
    return HttpRequest.newBuilder(endpoint)
        .header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"message\":{\"data\":\"" + data + "\",\"messageId\":\"1\"}}"))
        .build();
  }

  /**
   * Every frame delivered since the last call, by target connection. The router publishes its
   * deliveries before it answers a push, so once the posts are answered everything is on the topic.
   */
  static Map<String, List<JsonObject>> drainEgress() throws Exception {
    Map<String, List<JsonObject>> out = new HashMap<>();
    try (SubscriptionAdminClient admin = clients.subscriptionAdmin()) {
      String sub = clients.subscription(observer).toString();
      int empty = 0;
      while (empty < 3) { // three empty answers in a row, 100 ms apart: nothing more is coming
        List<ReceivedMessage> got = Emulators.pullNow(admin, sub, 1000);
        if (got.isEmpty()) {
          empty++;
          Thread.sleep(100);
          continue;
        }
        empty = 0;
        for (ReceivedMessage m : got) {
          for (Delivery d : WireCodec.decodeDeliveries(m.getMessage().getData().toStringUtf8())) {
            if (d.frame() != null) {
              out.computeIfAbsent(d.connectionId(), k -> new ArrayList<>()).add(JsonParser.parseString(d.frame().toString()).getAsJsonObject());
            }
          }
        }
        admin.acknowledge(sub, got.stream().map(ReceivedMessage::getAckId).toList());
      }
    }
    return out;
  }
}
