package dev.videocall.gateway.gcp;

import com.google.api.core.ApiService;
import com.google.api.gax.rpc.AlreadyExistsException;
import com.google.cloud.pubsub.v1.AckReplyConsumer;
import com.google.cloud.pubsub.v1.Subscriber;
import com.google.cloud.pubsub.v1.SubscriptionAdminClient;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.protobuf.Duration;
import com.google.pubsub.v1.ExpirationPolicy;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.Subscription;
import dev.videocall.contract.Delivery;
import dev.videocall.contract.DeliverySink;
import dev.videocall.contract.WireCodec;
import dev.videocall.gcp.Attributes;
import dev.videocall.gcp.PubSubClients;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This instance's own subscription to the egress topic: created at start-up with a filter on the
 * {@code gateway} attribute (so it receives only its own deliveries) and message ordering (so each
 * connection's frames stay in order), deleted on clean shutdown, and set to expire after a day
 * unused (the shortest Pub/Sub allows) so a crashed instance's subscription goes away by itself.
 */
public final class EgressSubscription implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EgressSubscription.class);
  /** Pub/Sub's minimum expiration TTL. */
  static final long EXPIRE_AFTER_IDLE_SECONDS = 24 * 3600;
  /** Deliveries older than this are useless to a browser; keep retention at Pub/Sub's minimum. */
  static final long RETENTION_SECONDS = 600;

  private final PubSubClients clients;
  private final String subscriptionName;
  private final String gatewayId;
  private final DeliverySink sink;
  /** Pause before a failed subscriber is replaced. */
  private static final long RESTART_DELAY_SECONDS = 5;
  /** How long a renewal waits for the old subscriber to stop (it has nothing in flight). */
  private static final long RENEW_STOP_SECONDS = 2;

  private final ScheduledExecutorService restarter =
      Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "egress-restart");
        t.setDaemon(true);
        return t;
      });
  private Subscriber subscriber;
  private boolean closing;

  public EgressSubscription(PubSubClients clients, String subscriptionName, String gatewayId, DeliverySink sink) {
    this.clients = clients;
    this.gatewayId = gatewayId;
    this.subscriptionName = subscriptionName;
    this.sink = sink;
  }

  /** Creates the subscription; an existing one (a retried start) is reused. */
  public void create() throws Exception {
    try (SubscriptionAdminClient admin = clients.subscriptionAdmin()) {
      admin.createSubscription(
          Subscription.newBuilder()
              .setName(clients.subscription(subscriptionName).toString())
              .setTopic(clients.topic(clients.config().egressTopic()).toString())
              .setFilter("attributes." + Attributes.GATEWAY + " = \"" + gatewayId + "\"")
              .setEnableMessageOrdering(true)
              .setAckDeadlineSeconds(10)
              .setMessageRetentionDuration(Duration.newBuilder().setSeconds(RETENTION_SECONDS))
              .setExpirationPolicy(ExpirationPolicy.newBuilder().setTtl(Duration.newBuilder().setSeconds(EXPIRE_AFTER_IDLE_SECONDS)))
              .build());
    } catch (AlreadyExistsException e) {
      log.atInfo().addKeyValue("subscription", subscriptionName).log("egress subscription already exists; reusing it");
    }
  }

  /**
   * Starts receiving from the subscription {@link #create()} made. If the stream later fails for
   * good (the client already retries transient errors), a new subscriber takes over after a pause:
   * an instance that silently stopped receiving would strand every call on it.
   */
  public synchronized void startReceiving() throws Exception {
    Subscriber s = clients.subscriber(subscriptionName, this::receive);
    s.addListener(new ApiService.Listener() {
      @Override
      public void failed(ApiService.State from, Throwable failure) {
        log.atError().addKeyValue("subscription", subscriptionName).addKeyValue("error", String.valueOf(failure.getMessage()))
            .log("egress subscriber failed; restarting it");
        restarter.schedule(() -> restart(s), RESTART_DELAY_SECONDS, TimeUnit.SECONDS);
      }
    }, MoreExecutors.directExecutor());
    subscriber = s;
    s.startAsync().awaitRunning(30, TimeUnit.SECONDS);
    log.atInfo().addKeyValue("subscription", subscriptionName).addKeyValue("gatewayId", gatewayId).log("egress subscription started");
  }

  /** Replaces {@code failed} unless something else (a renewal) replaced it already. */
  private synchronized void restart(Subscriber failed) {
    if (closing || subscriber != failed) {
      return;
    }
    startOrRetry("egress subscriber restart failed; trying again");
  }

  /**
   * Replaces the subscriber with a fresh one (a new streaming pull on new channels) and returns once
   * it runs. Called when the first connection after a long idle arrives (see {@link WakeOnFirstOpen}):
   * a stream whose CPU was suspended for minutes may have died without its client noticing yet,
   * while a new one pulls at once. The instance holds no connection then, so no delivery is pending.
   * A failure is logged and left to the failure listener's restart.
   */
  public synchronized void renew() {
    if (closing) {
      return;
    }
    Subscriber old = subscriber;
    try {
      if (old != null) {
        old.stopAsync().awaitTerminated(RENEW_STOP_SECONDS, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      log.atWarn().addKeyValue("subscription", subscriptionName).addKeyValue("error", e.toString())
          .log("old egress subscriber did not stop in time; starting a new one anyway");
    }
    startOrRetry("egress subscriber renewal failed; trying again");
  }

  /** Starts a new subscriber; if that fails, logs {@code failure} and tries again after a pause. */
  private void startOrRetry(String failure) {
    try {
      startReceiving();
    } catch (Exception e) {
      log.atError().addKeyValue("subscription", subscriptionName).addKeyValue("error", String.valueOf(e.getMessage())).log(failure);
      Subscriber current = subscriber;
      restarter.schedule(() -> restart(current), RESTART_DELAY_SECONDS, TimeUnit.SECONDS);
    }
  }

  private void receive(PubsubMessage message, AckReplyConsumer reply) {
    List<Delivery> deliveries;
    try {
      deliveries = WireCodec.decodeDeliveries(message.getData().toString(StandardCharsets.UTF_8));
    } catch (WireCodec.MalformedWireMessageException e) {
      log.atWarn().addKeyValue("messageId", message.getMessageId()).log("dropped an egress message that is not a delivery");
      reply.ack();
      return;
    }
    // Delivery to a local socket only queues the frame; it cannot fail in a way a redelivery would fix.
    sink.deliver(deliveries);
    reply.ack();
  }

  /** Stops receiving and deletes the subscription. */
  @Override
  public void close() {
    Subscriber subscriber;
    synchronized (this) {
      closing = true;
      subscriber = this.subscriber;
    }
    restarter.shutdownNow();
    if (subscriber != null) {
      try {
        subscriber.stopAsync().awaitTerminated(3, TimeUnit.SECONDS);
      } catch (Exception e) {
        log.atWarn().addKeyValue("error", e.toString()).log("subscriber did not stop in time");
      }
    }
    try (SubscriptionAdminClient admin = clients.subscriptionAdmin()) {
      admin.deleteSubscription(clients.subscription(subscriptionName));
      log.atInfo().addKeyValue("subscription", subscriptionName).log("egress subscription deleted");
    } catch (Exception e) {
      log.atWarn().addKeyValue("subscription", subscriptionName).addKeyValue("error", e.toString())
          .log("could not delete egress subscription; it expires by itself");
    }
  }
}
