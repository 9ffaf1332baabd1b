package dev.videocall.emulatorcheck;

import static dev.videocall.emulatorcheck.EmulatorCheck.PROJECT;
import static dev.videocall.emulatorcheck.EmulatorCheck.RUN;
import static dev.videocall.emulatorcheck.EmulatorCheck.check;
import static dev.videocall.emulatorcheck.EmulatorCheck.expect;
import static dev.videocall.emulatorcheck.EmulatorCheck.gap;

import com.google.api.gax.core.CredentialsProvider;
import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.api.gax.rpc.TransportChannelProvider;
import com.google.cloud.pubsub.v1.MessageReceiver;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.cloud.pubsub.v1.Subscriber;
import com.google.cloud.pubsub.v1.SubscriptionAdminClient;
import com.google.cloud.pubsub.v1.SubscriptionAdminSettings;
import com.google.cloud.pubsub.v1.TopicAdminClient;
import com.google.cloud.pubsub.v1.TopicAdminSettings;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.ByteString;
import com.google.protobuf.Duration;
import com.google.pubsub.v1.DeadLetterPolicy;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.PullRequest;
import com.google.pubsub.v1.PushConfig;
import com.google.pubsub.v1.RetryPolicy;
import com.google.pubsub.v1.Subscription;
import com.google.pubsub.v1.SubscriptionName;
import com.google.pubsub.v1.TopicName;
import com.sun.net.httpserver.HttpServer;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the Pub/Sub emulator's own push does with a subscription shaped as terraform/pubsub.tf declares
 * router-push (ordering, OIDC token, retry and dead-letter policies): a local HTTP endpoint records
 * every push and answers 204, or 500 for data starting with "fail".
 */
final class Push {
  private Push() {}

  /** One push as received. */
  record Received(String subscription, String data, String orderingKey, Map<String, String> attributes, String authorization,
      JsonObject message, int concurrent) {}

  static final ConcurrentLinkedQueue<Received> pushes = new ConcurrentLinkedQueue<>();
  static final AtomicInteger inFlight = new AtomicInteger();

  static void checks(String host) throws Exception {
    HttpServer endpoint = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    endpoint.setExecutor(Executors.newCachedThreadPool());
    endpoint.createContext("/", exchange -> {
      int now = inFlight.incrementAndGet();
      JsonObject body = JsonParser.parseString(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)).getAsJsonObject();
      JsonObject message = body.getAsJsonObject("message");
      String data = new String(Base64.getDecoder().decode(message.get("data").getAsString()), StandardCharsets.UTF_8);
      Map<String, String> attributes = new ConcurrentHashMap<>();
      if (message.has("attributes")) {
        message.getAsJsonObject("attributes").entrySet().forEach(e -> attributes.put(e.getKey(), e.getValue().getAsString()));
      }
      try {
        Thread.sleep(50); // a router's time per push, so pushes could overlap
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      pushes.add(new Received(body.get("subscription").getAsString(), data, message.has("orderingKey") ? message.get("orderingKey").getAsString() : null,
          attributes, exchange.getRequestHeaders().getFirst("Authorization"), message, now));
      inFlight.decrementAndGet();
      exchange.sendResponseHeaders(data.startsWith("fail") ? 500 : 204, -1);
      exchange.close();
    });
    endpoint.start();
    String url = "http://127.0.0.1:" + endpoint.getAddress().getPort() + "/";
    ManagedChannel channel = ManagedChannelBuilder.forTarget(host).usePlaintext().build();
    TransportChannelProvider channels = FixedTransportChannelProvider.create(GrpcTransportChannel.create(channel));
    CredentialsProvider none = NoCredentialsProvider.create();
    try (TopicAdminClient topics = TopicAdminClient.create(TopicAdminSettings.newBuilder()
            .setTransportChannelProvider(channels).setCredentialsProvider(none).build());
        SubscriptionAdminClient subs = SubscriptionAdminClient.create(SubscriptionAdminSettings.newBuilder()
            .setTransportChannelProvider(channels).setCredentialsProvider(none).build())) {
      TopicName ingress = TopicName.of(PROJECT, "push-ingress-" + RUN);
      TopicName deadLetters = TopicName.of(PROJECT, "push-dead-" + RUN);
      SubscriptionName inspect = SubscriptionName.of(PROJECT, "push-dead-inspect-" + RUN);
      topics.createTopic(ingress);
      topics.createTopic(deadLetters);
      subs.createSubscription(Subscription.newBuilder().setName(inspect.toString()).setTopic(deadLetters.toString()).build());
      Publisher publisher = Publisher.newBuilder(ingress).setChannelProvider(channels).setCredentialsProvider(none)
          .setEnableMessageOrdering(true).build();

      check("push: a subscription as terraform declares router-push (ordering, OIDC token, retry, dead letter) is created", () -> {
        subs.createSubscription(routerPush("push-ordered-" + RUN, ingress, deadLetters, url, true));
        unordered = routerPush("push-unordered-" + RUN, ingress, deadLetters, url, false);
        subs.createSubscription(unordered);
        return "both accepted";
      });
      List<String> sent = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        for (String key : List.of("k1", "k2")) {
          String data = key + "-" + i;
          sent.add(data);
          publisher.publish(PubsubMessage.newBuilder().setData(ByteString.copyFromUtf8(data)).setOrderingKey(key)
              .putAttributes("gateway", "gw-" + key).build());
        }
      }
      publisher.publishAllOutstanding();
      awaitPushes(2 * sent.size(), 30);
      List<Received> ordered = pushes.stream().filter(r -> r.message().has("messageId")).toList();

      check("push: the emulator itself POSTs each message to push_endpoint", () -> {
        expect(ordered.size() == 2 * sent.size(), "got " + ordered.size() + " pushes for " + sent.size() + " messages on two subscriptions");
        return ordered.size() + " pushes";
      });
      check("push: attributes arrive in the push body", () -> {
        for (Received r : ordered) {
          expect(r.attributes().get("gateway").equals("gw-" + r.data().substring(0, 2)), "attributes " + r.attributes() + " of " + r.data());
        }
        return "every push carries its attributes";
      });
      check("push: with ordering on, each key's messages arrive in publish order", () -> {
        List<String> subscriptionNames = ordered.stream().map(Received::subscription).filter(n -> n.contains("push-ordered-")).distinct().toList();
        for (String subscription : subscriptionNames) {
          for (String key : List.of("k1", "k2")) {
            List<String> got = ordered.stream().filter(r -> r.subscription().equals(subscription) && r.data().startsWith(key))
                .map(Received::data).toList();
            expect(got.equals(sent.stream().filter(d -> d.startsWith(key)).toList()), subscription + " pushed " + key + " as " + got);
          }
        }
        return "k1 and k2 each in publish order on " + subscriptionNames;
      });
      gap("push: the message's orderingKey is in the push body", () -> {
        long with = ordered.stream().filter(r -> r.orderingKey() != null).count();
        expect(with > 0, "no push body had message.orderingKey (keys were k1, k2); body: " + (ordered.isEmpty() ? "none" : ordered.get(0).message()));
        return with + " had it";
      });
      gap("push: an OIDC token (Authorization: Bearer) comes with each push", () -> {
        long with = ordered.stream().filter(r -> r.authorization() != null).count();
        expect(with > 0, "no push had an Authorization header");
        return with + " had one";
      });
      gap("push: many pushes of one subscription in flight at once (real Pub/Sub scales them out)", () -> {
        pushes.clear();
        for (int i = 0; i < 40; i++) {
          publisher.publish(PubsubMessage.newBuilder().setData(ByteString.copyFromUtf8("many-" + i)).setOrderingKey("key-" + i).build());
        }
        publisher.publishAllOutstanding();
        awaitPushes(80, 60);
        int most = pushes.stream().mapToInt(Received::concurrent).max().orElse(0);
        expect(most > 2 * 2, "at most " + most + " pushes in flight for two subscriptions with 40 keys each");
        return most + " at once";
      });
      gap("push: a dead-lettering push subscription carries deliveryAttempt", () -> {
        long with = pushes.stream().filter(r -> r.message().has("deliveryAttempt")).count();
        expect(with > 0, "no push body had deliveryAttempt");
        return with + " had it";
      });
      check("push: an unordered push subscription dead-letters after max_delivery_attempts (5), with backoff", () -> {
        subs.deleteSubscription(SubscriptionName.of(PROJECT, "push-ordered-" + RUN));
        pushes.clear();
        publisher.publish(PubsubMessage.newBuilder().setData(ByteString.copyFromUtf8("fail-unordered")).build());
        publisher.publishAllOutstanding();
        return deadLettered(subs, inspect, "fail-unordered", 60);
      });
      gap("push: an ordered push subscription dead-letters after max_delivery_attempts and goes on pushing", () -> {
        subs.deleteSubscription(SubscriptionName.of(PROJECT, "push-unordered-" + RUN));
        subs.createSubscription(routerPush("push-ordered-dl-" + RUN, ingress, deadLetters, url, true));
        pushes.clear();
        publisher.publish(PubsubMessage.newBuilder().setData(ByteString.copyFromUtf8("fail-ordered")).setOrderingKey("dl").build());
        publisher.publishAllOutstanding();
        String outcome = deadLettered(subs, inspect, "fail-ordered", 30);
        publisher.publish(PubsubMessage.newBuilder().setData(ByteString.copyFromUtf8("after")).setOrderingKey("other").build());
        publisher.publishAllOutstanding();
        awaitPushes(pushes.size() + 1, 10);
        expect(pushes.stream().anyMatch(r -> r.data().equals("after")), "nothing pushed after the dead-lettering");
        return outcome;
      });
      publisher.shutdown();
    } finally {
      endpoint.stop(0);
      channel.shutdownNow();
    }
  }

  static Subscription unordered;

  static Subscription routerPush(String name, TopicName topic, TopicName deadLetters, String url, boolean ordered) {
    return Subscription.newBuilder()
        .setName(SubscriptionName.of(PROJECT, name).toString())
        .setTopic(topic.toString())
        .setEnableMessageOrdering(ordered)
        .setAckDeadlineSeconds(60)
        .setMessageRetentionDuration(Duration.newBuilder().setSeconds(600))
        .setPushConfig(PushConfig.newBuilder().setPushEndpoint(url)
            .setOidcToken(PushConfig.OidcToken.newBuilder().setServiceAccountEmail("push@" + PROJECT + ".iam.gserviceaccount.com").setAudience(url)))
        .setRetryPolicy(RetryPolicy.newBuilder().setMinimumBackoff(Duration.newBuilder().setSeconds(1))
            .setMaximumBackoff(Duration.newBuilder().setSeconds(10)))
        .setDeadLetterPolicy(DeadLetterPolicy.newBuilder().setDeadLetterTopic(deadLetters.toString()).setMaxDeliveryAttempts(5))
        .build();
  }

  /** Waits for the message on the dead-letter subscription; says after how many pushes and how long. */
  @SuppressWarnings("deprecation") // returnImmediately: a check that asks "is it there yet"
  static String deadLettered(SubscriptionAdminClient subs, SubscriptionName inspect, String data, int seconds) throws Exception {
    long t0 = System.nanoTime();
    while (System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(seconds)) {
      var got = subs.pull(PullRequest.newBuilder().setSubscription(inspect.toString()).setMaxMessages(10).setReturnImmediately(true).build());
      for (var m : got.getReceivedMessagesList()) {
        if (m.getMessage().getData().toStringUtf8().equals(data)) {
          long attempts = pushes.stream().filter(r -> r.data().equals(data)).count();
          return "dead-lettered after " + attempts + " pushes in " + (System.nanoTime() - t0) / 1_000_000 + " ms, attributes "
              + m.getMessage().getAttributesMap().keySet();
        }
      }
      Thread.sleep(250);
    }
    throw new AssertionError(data + " not on the dead-letter topic within " + seconds + " s, after "
        + pushes.stream().filter(r -> r.data().equals(data)).count() + " pushes");
  }

  static void awaitPushes(int n, int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (pushes.size() < n && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
  }

  /**
   * A subscriber idle past the Java client's keepalive (a ping every 30 s, the stream closed after
   * 20 s without an answer), then five messages: all must arrive within 10 s.
   */
  static String afterIdle(TopicName topic, SubscriptionAdminClient subs, TransportChannelProvider channels, CredentialsProvider creds)
      throws Exception {
    SubscriptionName idle = SubscriptionName.of(PROJECT, "idle-" + RUN);
    subs.createSubscription(Subscription.newBuilder().setName(idle.toString()).setTopic(topic.toString()).setAckDeadlineSeconds(10).build());
    Set<String> got = ConcurrentHashMap.newKeySet();
    MessageReceiver receiver = (m, reply) -> {
      got.add(m.getData().toStringUtf8());
      reply.ack();
    };
    Subscriber subscriber = Subscriber.newBuilder(idle.toString(), receiver).setChannelProvider(channels).setCredentialsProvider(creds).build();
    subscriber.startAsync().awaitRunning(10, TimeUnit.SECONDS);
    Thread.sleep(75_000);
    Publisher publisher = Publisher.newBuilder(topic).setChannelProvider(channels).setCredentialsProvider(creds).build();
    for (int i = 0; i < 5; i++) {
      publisher.publish(PubsubMessage.newBuilder().setData(ByteString.copyFromUtf8("after-idle-" + i)).build()).get();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (got.size() < 5 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    publisher.shutdown();
    subscriber.stopAsync();
    expect(got.size() == 5, "after 75 s idle, " + got.size() + " of 5 arrived within 10 s: " + got);
    return "5 of 5";
  }
}
