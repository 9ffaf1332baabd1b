package dev.videocall.emulated;

import com.google.cloud.pubsub.v1.SubscriptionAdminClient;
import com.google.cloud.pubsub.v1.TopicAdminClient;
import com.google.protobuf.Duration;
import com.google.pubsub.v1.DeadLetterPolicy;
import com.google.pubsub.v1.ExpirationPolicy;
import com.google.pubsub.v1.PushConfig;
import com.google.pubsub.v1.RetryPolicy;
import com.google.pubsub.v1.Subscription;
import dev.videocall.gcp.PubSubClients;
import java.net.URI;
import java.nio.file.Path;

/**
 * The Pub/Sub topics and subscriptions as terraform/pubsub.tf declares them, created on the emulator
 * with the same prefix scheme. The subscriptions' settings (ordering, ack deadline, retention, retry
 * and dead-letter policies, expiration) are read from terraform/pubsub.tf and the defaults of
 * terraform/variables.tf, so a change there is a change here. The router's push subscription pushes
 * to the router as in the cloud, with an OIDC token setting as declared (the emulator sends no token).
 */
public final class CloudResources {
  /** A stand-in for the push invoker's service account (terraform/iam.tf): the emulator only stores it. */
  static final String PUSH_INVOKER = "push-invoker@demo-videocall.iam.gserviceaccount.com";

  private final String prefix;
  private final TerraformBlock routerPush;
  private final TerraformBlock deadLetter;
  private final int maxDeliveryAttempts;

  private CloudResources(String prefix, TerraformBlock routerPush, TerraformBlock deadLetter, int maxDeliveryAttempts) {
    this.prefix = prefix;
    this.routerPush = routerPush;
    this.deadLetter = deadLetter;
    this.maxDeliveryAttempts = maxDeliveryAttempts;
  }

  /** As terraform/ (the folder {@code terraformDir}) declares them, named with {@code prefix}. */
  public static CloudResources fromTerraform(Path terraformDir, String prefix) {
    Path pubsub = terraformDir.resolve("pubsub.tf");
    TerraformBlock routerPush = TerraformBlock.read(pubsub, "resource \"google_pubsub_subscription\" \"router_push\"");
    TerraformBlock deadLetter = TerraformBlock.read(pubsub, "resource \"google_pubsub_subscription\" \"dead_letter\"");
    return new CloudResources(prefix, routerPush, deadLetter, (int) routerPush.number("dead_letter_policy.max_delivery_attempts"));
  }

  /** The same with another dead-letter threshold for router-push (fault runs that fail on purpose). */
  public CloudResources withMaxDeliveryAttempts(int attempts) {
    return new CloudResources(prefix, routerPush, deadLetter, attempts);
  }

  public String prefix() {
    return prefix;
  }

  public int maxDeliveryAttempts() {
    return maxDeliveryAttempts;
  }

  public String ingressTopic() {
    return prefix + "-signal-ingress";
  }

  public String egressTopic() {
    return prefix + "-signal-egress";
  }

  public String deadLetterTopic() {
    return prefix + "-signal-dead-letter";
  }

  public String deadLetterSubscription() {
    return prefix + "-signal-dead-letter-inspect";
  }

  public String routerPushSubscription() {
    return prefix + "-router-push";
  }

  /** What each gateway's EGRESS_SUBSCRIPTION_PREFIX is in terraform/gateway.tf. */
  public String egressSubscriptionPrefix() {
    return prefix + "-egress-";
  }

  /** Creates the topics and the dead-letter subscription; fails if any exists (use a fresh prefix per run). */
  public void createTopics(PubSubClients clients) throws Exception {
    try (TopicAdminClient topics = clients.topicAdmin()) {
      topics.createTopic(clients.topic(ingressTopic()));
      topics.createTopic(clients.topic(egressTopic()));
      topics.createTopic(clients.topic(deadLetterTopic()));
    }
    try (SubscriptionAdminClient subscriptions = clients.subscriptionAdmin()) {
      subscriptions.createSubscription(Subscription.newBuilder()
          .setName(clients.subscription(deadLetterSubscription()).toString())
          .setTopic(clients.topic(deadLetterTopic()).toString())
          .setMessageRetentionDuration(seconds(deadLetter.seconds("message_retention_duration")))
          .setAckDeadlineSeconds((int) deadLetter.number("ack_deadline_seconds"))
          .setExpirationPolicy(expiration(deadLetter))
          .build());
    }
  }

  /** Creates router-push, pushing to {@code endpoint}: from then on the emulator POSTs every ingress message there. */
  public void createRouterPush(PubSubClients clients, URI endpoint) throws Exception {
    PushConfig.Builder push = PushConfig.newBuilder().setPushEndpoint(endpoint.toString());
    if (routerPush.has("push_config.oidc_token.service_account_email")) {
      push.setOidcToken(PushConfig.OidcToken.newBuilder().setServiceAccountEmail(PUSH_INVOKER).setAudience(endpoint.toString()));
    }
    try (SubscriptionAdminClient subscriptions = clients.subscriptionAdmin()) {
      subscriptions.createSubscription(Subscription.newBuilder()
          .setName(clients.subscription(routerPushSubscription()).toString())
          .setTopic(clients.topic(ingressTopic()).toString())
          .setPushConfig(push)
          .setEnableMessageOrdering(routerPush.bool("enable_message_ordering"))
          .setAckDeadlineSeconds((int) routerPush.number("ack_deadline_seconds"))
          .setMessageRetentionDuration(seconds(routerPush.seconds("message_retention_duration")))
          .setRetryPolicy(RetryPolicy.newBuilder()
              .setMinimumBackoff(seconds(routerPush.seconds("retry_policy.minimum_backoff")))
              .setMaximumBackoff(seconds(routerPush.seconds("retry_policy.maximum_backoff"))))
          .setDeadLetterPolicy(DeadLetterPolicy.newBuilder()
              .setDeadLetterTopic(clients.topic(deadLetterTopic()).toString())
              .setMaxDeliveryAttempts(maxDeliveryAttempts))
          .setExpirationPolicy(expiration(routerPush))
          .build());
    }
  }

  /** Points router-push at another endpoint (a router started afresh), as redeploying the function would. */
  public void pushTo(PubSubClients clients, URI endpoint) throws Exception {
    try (SubscriptionAdminClient subscriptions = clients.subscriptionAdmin()) {
      subscriptions.modifyPushConfig(clients.subscription(routerPushSubscription()).toString(),
          PushConfig.newBuilder().setPushEndpoint(endpoint.toString()).build());
    }
  }

  /** Deletes router-push, so the emulator stops pushing to a router that is gone. */
  public void deleteRouterPush(PubSubClients clients) throws Exception {
    try (SubscriptionAdminClient subscriptions = clients.subscriptionAdmin()) {
      subscriptions.deleteSubscription(clients.subscription(routerPushSubscription()).toString());
    }
  }

  /** {@code ttl = ""}: never expires (an expiration policy without a ttl). */
  private static ExpirationPolicy expiration(TerraformBlock subscription) {
    String ttl = subscription.string("expiration_policy.ttl");
    if (!ttl.isEmpty()) {
      throw new IllegalStateException("terraform/pubsub.tf gives a subscription an expiration ttl (" + ttl + "); the emulated cloud only knows \"\"");
    }
    return ExpirationPolicy.getDefaultInstance();
  }

  private static Duration seconds(long s) {
    return Duration.newBuilder().setSeconds(s).build();
  }
}
