package dev.videocall.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.cloud.pubsub.v1.SubscriptionAdminClient;
import com.google.cloud.pubsub.v1.TopicAdminClient;
import com.google.pubsub.v1.PullRequest;
import com.google.pubsub.v1.ReceivedMessage;
import com.google.pubsub.v1.Subscription;
import dev.videocall.contract.invite.InviteTokens;
import dev.videocall.emulated.Deployables;
import dev.videocall.emulated.PushFront;
import dev.videocall.gcp.CloudConfig;
import dev.videocall.testkit.EmulatorSupport;
import dev.videocall.gcp.PubSubClients;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The emulators found by {@link EmulatorSupport}: named by PUBSUB_EMULATOR_HOST and
 * FIRESTORE_EMULATOR_HOST (scripts/emulators), or started with Testcontainers where Docker exists. Each test
 * class gets its own topic names so runs never see each other's messages.
 */
public final class Emulators {
  public final String pubsubHost = EmulatorSupport.hosts().map(EmulatorSupport.Hosts::pubsub).orElse(null);
  public final String firestoreHost = EmulatorSupport.hosts().map(EmulatorSupport.Hosts::firestore).orElse(null);
  public final String suffix = UUID.randomUUID().toString().substring(0, 8);
  public final String ingressTopic = "signal-ingress-" + suffix;
  public final String egressTopic = "signal-egress-" + suffix;

  /** Where the integration tests' child processes write their logs. */
  public static final Path LOG_DIR = Path.of("target", "it-logs");

  /** The jars Maven built, handed over by surefire (it/pom.xml). */
  public static Deployables deployables() {
    return new Deployables(
        Path.of(System.getProperty("invoker.jar")), Path.of(System.getProperty("functions.jar")), Path.of(System.getProperty("gateway.jar")),
        Path.of(System.getProperty("terraform.dir")));
  }

  public static Emulators requireRunning() {
    Emulators e = new Emulators();
    assumeTrue(e.pubsubHost != null && e.firestoreHost != null, EmulatorSupport::whyMissing);
    return e;
  }

  /** The environment a gateway or function process gets to reach the emulators. */
  public Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("PUBSUB_EMULATOR_HOST", pubsubHost);
    env.put("FIRESTORE_EMULATOR_HOST", firestoreHost);
    env.put("GOOGLE_CLOUD_PROJECT", CloudConfig.DEFAULT_PROJECT);
    env.put("INGRESS_TOPIC", ingressTopic);
    env.put("EGRESS_TOPIC", egressTopic);
    return env;
  }

  public CloudConfig config() {
    return CloudConfig.fromEnv(env());
  }

  /** Creates the two topics (what Terraform does in the cloud). */
  public void createTopics(PubSubClients clients) throws Exception {
    try (TopicAdminClient admin = clients.topicAdmin()) {
      admin.createTopic(clients.topic(ingressTopic));
      admin.createTopic(clients.topic(egressTopic));
    }
  }

  /**
   * What follows {@code /video?} (a page) or {@code /video/connections?} (a socket) in a link for
   * user→peer, valid for an hour: with {@code inFragment} the token is after {@code #token=} as
   * CreateCall makes links, otherwise in the query as older clients send it.
   */
  public static String linkQuery(InviteTokens tokens, String session, String user, String peer, boolean inFragment) {
    String token = tokens.mint(session, user, peer, Instant.now().plusSeconds(3600));
    return "userID=" + user + "&peerID=" + peer + (inFragment ? "#token=" : "&token=") + URLEncoder.encode(token, StandardCharsets.UTF_8);
  }

  /**
   * Waits (at most 10 s) until the router has had no push for 1.5 s, so what a stretch of a call caused
   * reached it before it is counted: the emulator's push polls an idle subscription every 100 ms and
   * has two pushes in flight at most.
   */
  public static void awaitQuietPushes(PushFront front) throws InterruptedException {
    long quietSince = System.nanoTime();
    long deadline = quietSince + TimeUnit.SECONDS.toNanos(10);
    long seen = front.pushed.get() + front.failed.get();
    while (System.nanoTime() - quietSince < TimeUnit.MILLISECONDS.toNanos(1500) && System.nanoTime() < deadline) {
      Thread.sleep(100);
      long now = front.pushed.get() + front.failed.get();
      if (now != seen) {
        seen = now;
        quietSince = System.nanoTime();
      }
    }
  }

  /**
   * What the subscription holds now (at most {@code max} messages), answered at once when it is empty:
   * a plain pull on an empty subscription waits about 90 s on Google's emulator.
   */
  @SuppressWarnings("deprecation") // returnImmediately: discouraged for consumers, but what a test asks here
  public static List<ReceivedMessage> pullNow(SubscriptionAdminClient admin, String subscription, int max) {
    return admin.pull(PullRequest.newBuilder().setSubscription(subscription).setMaxMessages(max).setReturnImmediately(true).build())
        .getReceivedMessagesList();
  }

  /** An ordered pull subscription on a topic, as the push subscription is in the cloud. */
  public static void createOrderedSubscription(PubSubClients clients, String topic, String name) throws Exception {
    createSubscription(clients, topic, name, true);
  }

  /** A pull subscription on a topic, ordered or not. */
  public static void createSubscription(PubSubClients clients, String topic, String name, boolean ordered) throws Exception {
    try (SubscriptionAdminClient admin = clients.subscriptionAdmin()) {
      admin.createSubscription(Subscription.newBuilder()
          .setName(clients.subscription(name).toString())
          .setTopic(clients.topic(topic).toString())
          .setEnableMessageOrdering(ordered)
          .setAckDeadlineSeconds(10)
          .build());
    }
  }
}
