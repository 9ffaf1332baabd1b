package dev.videocall.emulated;

import com.google.cloud.pubsub.v1.AckReplyConsumer;
import com.google.cloud.pubsub.v1.Subscriber;
import com.google.gson.JsonObject;
import com.google.pubsub.v1.PubsubMessage;
import dev.videocall.gcp.PubSubClients;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Stands in for a Pub/Sub push subscription (the emulator has no push): pulls from an ordered
 * subscription and POSTs each message in the push format to an HTTP endpoint, acknowledging on 2xx
 * and asking for redelivery otherwise. Messages of one ordering key are handled one at a time.
 */
public final class PushBridge implements AutoCloseable {
  // HTTP/1.1 as Pub/Sub push speaks to a plain endpoint: the JDK client's default h2c upgrade
  // attempt is not something the real push ever does.
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final java.util.function.Supplier<URI> endpoint;
  private final String subscription;
  private final Subscriber subscriber;
  public final AtomicLong pushed = new AtomicLong();
  public final AtomicLong failed = new AtomicLong();
  public final AtomicLong injected = new AtomicLong();
  /**
   * When on: every seventh delivery attempt fails as a function error would (not acknowledged), each
   * handled message is POSTed a second time, and every third handled one is nacked after success.
   */
  public volatile boolean injectRedeliveries;
  /** Waited before each push: the production model's push delivery and request overhead. */
  public volatile java.time.Duration delayBeforePush = java.time.Duration.ZERO;
  /** Told how long each successful POST took, in nanoseconds (the benchmarks' function share). */
  public volatile java.util.function.LongConsumer onPushed = nanos -> {};
  private final AtomicLong seen = new AtomicLong();
  private final AtomicLong attempts = new AtomicLong();

  public PushBridge(PubSubClients clients, String subscription, URI endpoint) {
    this(clients, subscription, () -> endpoint);
  }

  /**
   * With the endpoint looked up for every push: the production model starts the router on the first
   * one, as Cloud Run starts an instance for a request when none is running (the push waits).
   */
  public PushBridge(PubSubClients clients, String subscription, java.util.function.Supplier<URI> endpoint) {
    this.endpoint = endpoint;
    this.subscription = subscription;
    this.subscriber = clients.subscriber(subscription, this::push);
    subscriber.startAsync().awaitRunning();
  }

  private void push(PubsubMessage message, AckReplyConsumer reply) {
    if (!delayBeforePush.isZero()) {
      try {
        Thread.sleep(delayBeforePush.toMillis(), delayBeforePush.toNanosPart() % 1_000_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        reply.nack();
        return;
      }
    }
    if (injectRedeliveries && attempts.incrementAndGet() % 7 == 0) {
      // As if the function had answered 500: Pub/Sub retries the message later.
      injected.incrementAndGet();
      failed.incrementAndGet();
      reply.nack();
      return;
    }
    String body = pushBody(message);
    try {
      long started = System.nanoTime();
      HttpResponse<Void> r = http.send(
          HttpRequest.newBuilder(endpoint.get()).POST(HttpRequest.BodyPublishers.ofString(body)).header("content-type", "application/json").build(),
          HttpResponse.BodyHandlers.discarding());
      if (r.statusCode() / 100 == 2) {
        onPushed.accept(System.nanoTime() - started);
        pushed.incrementAndGet();
        if (injectRedeliveries) {
          // A push endpoint may be called again for a message it already handled.
          http.send(HttpRequest.newBuilder(endpoint.get()).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
              HttpResponse.BodyHandlers.discarding());
          injected.incrementAndGet();
          if (seen.incrementAndGet() % 3 == 0) {
            // As if the acknowledgement was lost: Pub/Sub redelivers this message (and, with ordering, what follows).
            injected.incrementAndGet();
            reply.nack();
            return;
          }
        }
        reply.ack();
        return;
      }
    } catch (Exception e) {
      // fall through to redelivery
    }
    failed.incrementAndGet();
    reply.nack();
  }

  @Override
  public void close() throws Exception {
    subscriber.stopAsync().awaitTerminated(5, TimeUnit.SECONDS);
  }

  /** What Pub/Sub's push subscription POSTs: the message, its data in base64, and the subscription. */
  private String pushBody(PubsubMessage message) {
    JsonObject pushed = new JsonObject();
    pushed.addProperty("data", Base64.getEncoder().encodeToString(message.getData().toByteArray()));
    pushed.addProperty("messageId", message.getMessageId());
    pushed.addProperty("orderingKey", message.getOrderingKey());
    JsonObject body = new JsonObject();
    body.add("message", pushed);
    body.addProperty("subscription", subscription);
    return body.toString();
  }
}
