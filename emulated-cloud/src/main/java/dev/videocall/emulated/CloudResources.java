package dev.videocall.emulated;

import com.google.cloud.pubsub.v1.SubscriptionAdminClient;
import com.google.cloud.pubsub.v1.TopicAdminClient;
import com.google.protobuf.Duration;
import com.google.pubsub.v1.DeadLetterPolicy;
import com.google.pubsub.v1.ExpirationPolicy;
import com.google.pubsub.v1.RetryPolicy;
import com.google.pubsub.v1.Subscription;
import dev.videocall.gcp.PubSubClients;

/**
 * The Pub/Sub topics and subscriptions exactly as terraform/pubsub.tf declares them, named with the
 * same prefix scheme, created on the emulator. Keep the two in step: a change there is a change here.
 * The only difference: the emulator cannot push, so router-push is read by a {@link PushBridge}.
 */
public record CloudResources(String prefix, int maxDeliveryAttempts) {
  /** terraform/variables.tf router_push_max_delivery_attempts and router_push_max_backoff_seconds. */
  public static final int MAX_DELIVERY_ATTEMPTS = 15;
  static final int MAX_BACKOFF_SECONDS = 10;

  /** As Terraform deploys them. */
  public CloudResources(String prefix) {
    this(prefix, MAX_DELIVERY_ATTEMPTS);
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

  /** Creates every topic and subscription; fails if any exists (use a fresh prefix per run). */
  public void create(PubSubClients clients) throws Exception {
    try (TopicAdminClient topics = clients.topicAdmin()) {
      topics.createTopic(clients.topic(ingressTopic()));
      topics.createTopic(clients.topic(egressTopic()));
      topics.createTopic(clients.topic(deadLetterTopic()));
    }
    try (SubscriptionAdminClient subscriptions = clients.subscriptionAdmin()) {
      subscriptions.createSubscription(Subscription.newBuilder()
          .setName(clients.subscription(deadLetterSubscription()).toString())
          .setTopic(clients.topic(deadLetterTopic()).toString())
          .setMessageRetentionDuration(seconds(604_800))
          .setAckDeadlineSeconds(60)
          .setExpirationPolicy(ExpirationPolicy.getDefaultInstance())
          .build());
      subscriptions.createSubscription(Subscription.newBuilder()
          .setName(clients.subscription(routerPushSubscription()).toString())
          .setTopic(clients.topic(ingressTopic()).toString())
          .setEnableMessageOrdering(true)
          .setAckDeadlineSeconds(30)
          .setMessageRetentionDuration(seconds(600))
          .setRetryPolicy(RetryPolicy.newBuilder().setMinimumBackoff(seconds(1)).setMaximumBackoff(seconds(MAX_BACKOFF_SECONDS)))
          .setDeadLetterPolicy(DeadLetterPolicy.newBuilder()
              .setDeadLetterTopic(clients.topic(deadLetterTopic()).toString())
              .setMaxDeliveryAttempts(maxDeliveryAttempts))
          .setExpirationPolicy(ExpirationPolicy.getDefaultInstance())
          .build());
    }
  }

  private static Duration seconds(long s) {
    return Duration.newBuilder().setSeconds(s).build();
  }
}
