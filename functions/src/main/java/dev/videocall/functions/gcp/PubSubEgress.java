package dev.videocall.functions.gcp;

import com.google.api.core.ApiFuture;
import com.google.api.core.ApiFutures;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import dev.videocall.contract.ConnectionRef;
import dev.videocall.contract.Delivery;
import dev.videocall.contract.DeliverySink;
import dev.videocall.contract.WireCodec;
import dev.videocall.gcp.Attributes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The egress port on Pub/Sub: deliveries go to the egress topic with the target gateway in an
 * attribute (each gateway's subscription filters on it) and the target connection as ordering key.
 * An envelope's deliveries to the same connection travel as one message, in their order: one publish
 * per target however a packed envelope interleaves them (in a call of three or four a browser's
 * candidates for two peers alternate), and Pub/Sub bills at least 1 KB per message.
 * {@link #deliver} waits until the whole batch is published, so the router acknowledges an envelope
 * only once its effects are out. Safe for concurrent calls: each waits only for its own messages.
 */
public final class PubSubEgress implements DeliverySink, AutoCloseable {
  /** Longer than the client's own retry budget for a publish; a stuck publish fails the envelope. */
  private static final long PUBLISH_TIMEOUT_SECONDS = 30;

  private final Publisher publisher;

  public PubSubEgress(Publisher publisher) {
    this.publisher = publisher;
  }

  /**
   * Publishes the batch and waits for it. On failure the ordering keys involved are resumed (the
   * client blocks a key after a failed publish until {@code resumePublish}) and the failure is thrown
   * so the envelope is retried; the gateway drops the copies that did get through.
   */
  @Override
  public void deliver(List<Delivery> deliveries) {
    if (deliveries.isEmpty()) {
      return;
    }
    List<ApiFuture<String>> futures = new ArrayList<>();
    for (List<Delivery> group : byConnection(deliveries)) {
      futures.add(publisher.publish(message(group)));
    }
    try {
      ApiFutures.allAsList(futures).get(PUBLISH_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EgressUnavailableException(e);
    } catch (ExecutionException | TimeoutException e) {
      deliveries.forEach(d -> publisher.resumePublish(d.orderingKey()));
      throw new EgressUnavailableException(e instanceof ExecutionException ? e.getCause() : e);
    }
  }

  /**
   * The deliveries to each connection, in order, the connections in the order they are first named.
   * Only the order towards one connection matters: each is its own ordering key, and Pub/Sub orders
   * nothing across keys.
   */
  static List<List<Delivery>> byConnection(List<Delivery> deliveries) {
    Map<ConnectionRef, List<Delivery>> groups = new LinkedHashMap<>();
    for (Delivery d : deliveries) {
      groups.computeIfAbsent(d.target(), t -> new ArrayList<>()).add(d);
    }
    return List.copyOf(groups.values());
  }

  private static PubsubMessage message(List<Delivery> group) {
    Delivery first = group.get(0);
    return PubsubMessage.newBuilder()
        .setData(ByteString.copyFrom(WireCodec.encode(group), StandardCharsets.UTF_8))
        .putAttributes(Attributes.GATEWAY, first.gatewayId())
        .putAttributes(Attributes.CONNECTION, first.connectionId())
        .setOrderingKey(first.orderingKey())
        .build();
  }

  @Override
  public void close() throws InterruptedException {
    publisher.shutdown();
    publisher.awaitTermination(10, TimeUnit.SECONDS);
  }

  /** Publishing to the egress topic failed. */
  public static final class EgressUnavailableException extends RuntimeException {
    EgressUnavailableException(Throwable cause) {
      super("egress publish failed: " + cause.getMessage(), cause);
    }
  }
}
