package dev.videocall.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.pubsub.v1.Publisher;
import com.google.cloud.pubsub.v1.SubscriptionAdminClient;
import com.google.cloud.pubsub.v1.TopicAdminClient;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.ReceivedMessage;
import dev.videocall.contract.ConnectionRef;
import dev.videocall.contract.Delivery;
import dev.videocall.contract.Envelope;
import dev.videocall.contract.WireCodec;
import dev.videocall.contract.protocol.CloseCode;
import dev.videocall.emulated.ChildJvm;
import dev.videocall.emulated.PubSubProxy;
import dev.videocall.gcp.Attributes;
import dev.videocall.gcp.CloudConfig;
import dev.videocall.gcp.PubSubClients;
import dev.videocall.testkit.RequiresEmulators;
import dev.videocall.testkit.WsClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cloud gateway serves its page before its clouds are ready, and sockets opened meanwhile wait.
 * On a first deployment it starts while its IAM grants are still propagating: Pub/Sub refuses it for
 * minutes. It must serve the page and {@code /healthz} at once (Cloud Run's startup probe), keep
 * retrying inside its start-up budget, serve the sockets that waited once the refusals stop, close a
 * socket that waited longer than its bound with 1013, and give up with a clear log when the budget
 * runs out. A {@link PubSubProxy} in front of the emulator refuses CreateSubscription and Publish while
 * a file exists; an address where nothing listens stands for a service that cannot be reached.
 */
@ExtendWith(RequiresEmulators.class)
class GatewayStartupTest {
  @TempDir Path tmp;
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final Emulators emulators = Emulators.requireRunning();
  private PubSubClients direct;
  /** An ordered pull subscription on the ingress topic: what the router would be pushed. */
  private String ingressWatch;

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : toClose.reversed()) {
      c.close();
    }
  }

  private Map<String, String> env(String pubsubHost, String startupTimeoutSeconds, String readyWaitSeconds) throws Exception {
    Map<String, String> env = new HashMap<>(emulators.env());
    env.put("STARTUP_TIMEOUT_SECONDS", startupTimeoutSeconds);
    env.put("READY_WAIT_SECONDS", readyWaitSeconds);
    // The topics and the watch straight on the emulator (the refusals are for the gateway), then the gateway behind the proxy.
    CloudConfig config = CloudConfig.fromEnv(env);
    direct = new PubSubClients(config);
    toClose.add(direct);
    try (TopicAdminClient admin = direct.topicAdmin()) {
      admin.createTopic(direct.topic(config.ingressTopic()));
      admin.createTopic(direct.topic(config.egressTopic()));
    }
    ingressWatch = "ingress-watch-" + emulators.suffix;
    Emulators.createOrderedSubscription(direct, config.ingressTopic(), ingressWatch);
    env.put("PUBSUB_EMULATOR_HOST", pubsubHost);
    return env;
  }

  private ChildJvm gateway(String name, Map<String, String> env) throws Exception {
    ChildJvm gateway = ChildJvm.gateway(Emulators.deployables(), name + "-" + Long.toHexString(System.nanoTime()), env, ChildJvm.freePort(), Emulators.LOG_DIR);
    toClose.add(gateway);
    return gateway;
  }

  @Test
  void aGatewayRefusedByPubSubServesItsPageAtOnceAndTheSocketsThatWaitedOnceTheRefusalsStop() throws Exception {
    Path refusing = Files.createFile(tmp.resolve("iam-not-yet-propagated"));
    PubSubProxy pubsub = PubSubProxy.start(emulators.pubsubHost, PubSubProxy.refuseWhileFileExists(refusing));
    toClose.add(pubsub);
    ChildJvm gateway = gateway("gw-startup", env(pubsub.host, "120", "120"));

    // Refused, retrying, not ready: the page and the probe are served all the same.
    awaitRetries(gateway, 3);
    assertTrue(gateway.tail().contains("PERMISSION_DENIED"), "the refusal is logged:\n" + gateway.tail());
    assertPageServedWhileStarting(gateway);

    // A person who opens the link now: the socket opens and waits (nothing reaches the router).
    WsClient alice = WsClient.connect(gateway.port, "userID=alice&peerID=bob&token=t", "http://localhost:" + gateway.port);
    Thread.sleep(1_000);
    assertFalse(alice.closed.isDone(), "a socket opened before the instance is ready waits, it is not closed");
    assertEquals(List.of(), ingressWithin(2), "nothing of it is published while the instance is not ready");

    Files.delete(refusing);

    awaitHealth(gateway, "ok", 60);
    assertTrue(gateway.tail().contains("start-up step succeeded after retries"), gateway.tail());
    // Once ready, its open goes to the router, and what the router sends back reaches it.
    Envelope open = pullIngress(30, got -> got.stream().anyMatch(e -> e.event() == Envelope.Event.OPEN)).stream()
        .filter(e -> e.event() == Envelope.Event.OPEN).findFirst()
        .orElseThrow(() -> new AssertionError("the waiting socket's open was not published once ready:\n" + gateway.tail()));
    assertEquals("alice", open.userId());
    deliver(gateway.name, open.connectionId(), "{\"type\":\"welcome\"}");
    assertEquals("welcome", alice.next("welcome").get("type").getAsString(), "the socket that waited is served");
    assertFalse(alice.closed.isDone());
  }

  @Test
  void aGatewayThatCannotReachPubSubServesThePageAndClosesAWaitingSocketWith1013AfterItsBound() throws Exception {
    ChildJvm gateway = gateway("gw-unreachable", env("127.0.0.1:" + ChildJvm.freePort(), "120", "2"));
    gateway.awaitPort(90);
    assertPageServedWhileStarting(gateway);

    long opened = System.nanoTime();
    WsClient alice = WsClient.connect(gateway.port, "userID=alice&peerID=bob&token=t", "http://localhost:" + gateway.port);
    int code = alice.closed.get(30, TimeUnit.SECONDS);
    long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - opened);
    assertEquals(CloseCode.TRY_AGAIN_LATER.code(), code, "try again later: the page reconnects with backoff");
    assertTrue(waitedMillis >= 1_900, "closed only once its 2 s bound ran out, after " + waitedMillis + " ms");
    assertTrue(gateway.isAlive(), "the gateway goes on starting:\n" + gateway.tail());
    assertTrue(gateway.tail().contains("the instance was not ready within 2000 ms"), gateway.tail());
  }

  @Test
  void aStartingGatewayWakesTheRouterOnceBeforeItsOtherCloudsAndBeforeItIsReady() throws Exception {
    // Pub/Sub answers, Firestore cannot be reached: the first heartbeat keeps the instance starting.
    Map<String, String> env = env(emulators.pubsubHost, "120", "120");
    env.put("FIRESTORE_EMULATOR_HOST", "127.0.0.1:" + ChildJvm.freePort());
    ChildJvm gateway = gateway("gw-wake", env);
    gateway.awaitPort(90);
    // No page asked yet: an instance starting from zero is itself the sign that someone is coming.
    List<Envelope> sent = awaitIngress(30);
    assertEquals(1, sent.size(), "one wake at launch: " + sent);
    assertEquals(Envelope.Event.WAKE, sent.get(0).event());
    assertEquals(gateway.name, sent.get(0).gatewayId());
    assertEquals("starting", get(gateway, "/healthz").body(), "the wake went before the instance was ready");
    awaitLogged(gateway, "connecting Firestore, the egress subscription and the heartbeat");
    List<String> lines = gateway.logLines();
    assertTrue(indexOf(lines, "router wake published") < indexOf(lines, "connecting Firestore"),
        "the wake's publish is done before the other clients are built:\n" + gateway.tail());
    for (int i = 0; i < 3; i++) {
      assertEquals(200, get(gateway, "/video").statusCode());
    }
    assertEquals(List.of(), ingressWithin(2), "three loads of the call page within the minute send no second wake");
  }

  private static int indexOf(List<String> lines, String message) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(message)) {
        return i;
      }
    }
    throw new AssertionError("not logged: " + message + "\n" + String.join("\n", lines));
  }

  private static void awaitLogged(ChildJvm gateway, String message) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (gateway.logLines().stream().noneMatch(l -> l.contains(message))) {
      assertTrue(System.nanoTime() < deadline, "not logged within 30 s: " + message + "\n" + gateway.tail());
      Thread.sleep(100);
    }
  }

  @Test
  void aGatewayStillRefusedWhenItsBudgetRunsOutExitsWithAClearLog() throws Exception {
    Path refusing = Files.createFile(tmp.resolve("never-granted"));
    PubSubProxy pubsub = PubSubProxy.start(emulators.pubsubHost, PubSubProxy.refuseWhileFileExists(refusing));
    toClose.add(pubsub);
    ChildJvm gateway = ChildJvm.gateway(Emulators.deployables(), "gw-giveup-" + Long.toHexString(System.nanoTime()), env(pubsub.host, "3", "10"), 0, Emulators.LOG_DIR);
    toClose.add(gateway);
    int exit = gateway.awaitExit(30);
    assertNotEquals(0, exit, "gives up with a failure status");
    assertTrue(gateway.tail().contains("start-up budget ran out"), gateway.tail());
  }

  /** The page, its settings and the probe answer while the clouds are not ready. */
  private void assertPageServedWhileStarting(ChildJvm gateway) throws Exception {
    for (String path : List.of("/", "/video", "/config.json", "/js/wire.js")) {
      HttpResponse<String> r = get(gateway, path);
      assertEquals(200, r.statusCode(), path + " while starting:\n" + gateway.tail());
    }
    HttpResponse<String> health = get(gateway, "/healthz");
    assertEquals(200, health.statusCode(), "started: Cloud Run's startup probe passes");
    assertEquals("starting", health.body(), "but not ready");
  }

  private HttpResponse<String> get(ChildJvm gateway, String path) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (true) {
      try {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + gateway.port + path)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
      } catch (IOException notListeningYet) {
        assertTrue(gateway.isAlive() && System.nanoTime() < deadline, "no answer at " + path + ":\n" + gateway.tail());
        Thread.sleep(50);
      }
    }
  }

  private void awaitHealth(ChildJvm gateway, String body, int seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!get(gateway, "/healthz").body().equals(body)) {
      assertTrue(System.nanoTime() < deadline, "/healthz did not say " + body + " within " + seconds + " s:\n" + gateway.tail());
      Thread.sleep(100);
    }
  }

  private static void awaitRetries(ChildJvm gateway, int retries) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (gateway.tail().lines().filter(l -> l.contains("start-up step failed; retrying")).count() < retries) {
      assertTrue(System.nanoTime() < deadline, "expected logged retries within 60 s:\n" + gateway.tail());
      assertTrue(gateway.isAlive(), "the gateway must wait, not exit:\n" + gateway.tail());
      Thread.sleep(200);
    }
  }

  /** The first envelopes published to the ingress topic, waiting up to {@code seconds} for any. */
  private List<Envelope> awaitIngress(int seconds) throws Exception {
    return pullIngress(seconds, got -> !got.isEmpty());
  }

  /** Every envelope published to the ingress topic in the next {@code seconds}. */
  private List<Envelope> ingressWithin(int seconds) throws Exception {
    return pullIngress(seconds, got -> false);
  }

  /** Pulls (and acknowledges, so each is seen once) until {@code enough} or the time is up. */
  private List<Envelope> pullIngress(int seconds, java.util.function.Predicate<List<Envelope>> enough) throws Exception {
    List<Envelope> out = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    try (SubscriptionAdminClient admin = direct.subscriptionAdmin()) {
      String sub = direct.subscription(ingressWatch).toString();
      while (!enough.test(out) && System.nanoTime() < deadline) {
        for (ReceivedMessage m : Emulators.pullNow(admin, sub, 100)) {
          out.add(WireCodec.decodeEnvelope(m.getMessage().getData().toStringUtf8()));
          admin.acknowledge(sub, List.of(m.getAckId()));
        }
        Thread.sleep(200);
      }
    }
    return out;
  }

  /** What the router does for a welcome: one delivery on the egress topic, for that gateway. */
  private void deliver(String gatewayId, String connectionId, String frame) throws Exception {
    Delivery d = Delivery.frame(new ConnectionRef(gatewayId, connectionId), frame, connectionId, 0, 0);
    Publisher publisher = direct.orderedPublisher(emulators.egressTopic);
    try {
      publisher.publish(PubsubMessage.newBuilder()
          .setData(ByteString.copyFrom(WireCodec.encode(List.of(d)), StandardCharsets.UTF_8))
          .putAttributes(Attributes.GATEWAY, gatewayId)
          .setOrderingKey(connectionId + "-" + UUID.randomUUID())
          .build()).get(30, TimeUnit.SECONDS);
    } finally {
      publisher.shutdown();
      publisher.awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
