package dev.videocall.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.pubsub.v1.TopicAdminClient;
import dev.videocall.contract.Envelope;
import dev.videocall.contract.WireCodec;
import dev.videocall.gateway.gcp.PubSubIngress;
import dev.videocall.gcp.CloudConfig;
import dev.videocall.gcp.PubSubClients;
import dev.videocall.emulated.PubSubProxy;
import dev.videocall.testkit.RequiresEmulators;
import org.junit.jupiter.api.extension.ExtendWith;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A failed publish pauses its ordering key in the Pub/Sub client until {@code resumePublish}. The
 * ingress adapter must resume the key and report the connection (the gateway then closes it with
 * 1011). Google's emulator behind a {@link PubSubProxy} proxy: the first publish of each key starting
 * with "fail-" is refused, later ones reach the emulator.
 */
@ExtendWith(RequiresEmulators.class)
class IngressPublishFailureTest {

  @Test
  void aFailedPublishReportsTheConnectionAndTheKeyIsResumed() throws Exception {
    Emulators shared = Emulators.requireRunning();
    try (PubSubProxy emulator = PubSubProxy.start(shared.pubsubHost, PubSubProxy.failFirstPublishOfKeysStartingWith("fail-"))) {
      String host = emulator.host;
      CloudConfig config = CloudConfig.fromEnv(Map.of("PUBSUB_EMULATOR_HOST", host, "FIRESTORE_EMULATOR_HOST", "unused:1",
          "INGRESS_TOPIC", shared.ingressTopic));
      try (PubSubClients clients = new PubSubClients(config)) {
        try (TopicAdminClient admin = clients.topicAdmin()) {
          admin.createTopic(clients.topic(config.ingressTopic()));
        }
        String observerName = "observer-" + shared.suffix;
        Emulators.createOrderedSubscription(clients, config.ingressTopic(), observerName);
        List<Envelope> received = new CopyOnWriteArrayList<>();
        com.google.cloud.pubsub.v1.SubscriptionAdminClient observer = clients.subscriptionAdmin();
        Runnable pull = () -> {
          for (var m : Emulators.pullNow(observer, clients.subscription(observerName).toString(), 100)) {
            received.add(WireCodec.decodeEnvelope(m.getMessage().getData().toStringUtf8()));
            observer.acknowledge(clients.subscription(observerName).toString(), List.of(m.getAckId()));
          }
        };

        List<String> failedConnections = new CopyOnWriteArrayList<>();
        PubSubIngress ingress = new PubSubIngress(clients.orderedPublisher(config.ingressTopic()),
            (connectionId, error) -> failedConnections.add(connectionId + ": " + error.getMessage()));

        ingress.accept(envelope("fail-1", 0));
        ingress.accept(envelope("ok-1", 0));
        await(() -> failedConnections.size() == 1, "the failure is reported");
        assertTrue(failedConnections.get(0).startsWith("fail-1: "), failedConnections.toString());

        // After the failure the key is resumed: the next publish on it goes out (the browser's
        // reconnect would use a new key anyway; a paused key would otherwise fail every later publish).
        ingress.accept(envelope("fail-1", 1));
        await(() -> {
          pull.run();
          return received.stream().anyMatch(e -> e.connectionId().equals("fail-1"));
        }, "the resumed key's next envelope");
        await(() -> {
          pull.run();
          return received.stream().anyMatch(e -> e.connectionId().equals("ok-1"));
        }, "the other connection's envelope");
        assertEquals(1, failedConnections.size(), "nothing else failed: " + failedConnections);
        assertEquals(1, received.stream().filter(e -> e.connectionId().equals("fail-1")).findFirst().orElseThrow().seq());
        observer.close();
        ingress.close();
      }
    }
  }

  private static Envelope envelope(String connectionId, long seq) {
    return new Envelope(connectionId, "gw", seq == 0 ? Envelope.Event.OPEN : Envelope.Event.FRAME, seq, "alice", "bob", "t", seq == 0 ? null : List.of("{}"), null, "ua", null);
  }

  private static void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for: " + what);
      }
      Thread.sleep(20);
    }
  }
}
