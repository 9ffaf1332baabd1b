package dev.videocall.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.cloud.pubsub.v1.SubscriptionAdminClient;
import com.google.cloud.pubsub.v1.TopicAdminClient;
import com.google.pubsub.v1.Subscription;
import dev.videocall.gcp.CloudConfig;
import dev.videocall.gcp.EmulatorSupport;
import dev.videocall.gcp.PubSubClients;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The emulators found by {@link EmulatorSupport}: named by PUBSUB_EMULATOR_HOST and
 * FIRESTORE_EMULATOR_HOST (scripts/emulators), or started with Testcontainers where Docker exists. Each test
 * class gets its own topic names so runs never see each other's messages.
 */
final class Emulators {
  final String pubsubHost = EmulatorSupport.hosts().map(EmulatorSupport.Hosts::pubsub).orElse(null);
  final String firestoreHost = EmulatorSupport.hosts().map(EmulatorSupport.Hosts::firestore).orElse(null);
  final String suffix = UUID.randomUUID().toString().substring(0, 8);
  final String ingressTopic = "signal-ingress-" + suffix;
  final String egressTopic = "signal-egress-" + suffix;

  static Emulators requireRunning() {
    Emulators e = new Emulators();
    assumeTrue(e.pubsubHost != null && e.firestoreHost != null, EmulatorSupport::whyMissing);
    return e;
  }

  /** The environment a gateway or function process gets to reach the emulators. */
  Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("PUBSUB_EMULATOR_HOST", pubsubHost);
    env.put("FIRESTORE_EMULATOR_HOST", firestoreHost);
    env.put("GOOGLE_CLOUD_PROJECT", CloudConfig.DEFAULT_PROJECT);
    env.put("INGRESS_TOPIC", ingressTopic);
    env.put("EGRESS_TOPIC", egressTopic);
    return env;
  }

  CloudConfig config() {
    return CloudConfig.fromEnv(env());
  }

  /** Creates the two topics (what Terraform does in the cloud). */
  void createTopics(PubSubClients clients) throws Exception {
    try (TopicAdminClient admin = clients.topicAdmin()) {
      admin.createTopic(clients.topic(ingressTopic));
      admin.createTopic(clients.topic(egressTopic));
    }
  }

  /** An ordered pull subscription on a topic, as the push subscription is in the cloud. */
  static void createOrderedSubscription(PubSubClients clients, String topic, String name) throws Exception {
    try (SubscriptionAdminClient admin = clients.subscriptionAdmin()) {
      admin.createSubscription(Subscription.newBuilder()
          .setName(clients.subscription(name).toString())
          .setTopic(clients.topic(topic).toString())
          .setEnableMessageOrdering(true)
          .setAckDeadlineSeconds(10)
          .build());
    }
  }
}
