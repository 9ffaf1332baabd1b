package dev.videocall.gcp;

import com.google.api.core.ApiFuture;
import com.google.api.core.ApiFutures;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import dev.videocall.contract.Delivery;
import dev.videocall.contract.DeliverySink;
import dev.videocall.contract.WireCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The egress port on Pub/Sub: each delivery goes to the egress topic with the target gateway in an
 * attribute (each gateway's subscription filters on it) and the target connection as ordering key.
 * {@link #flush()} waits for everything published since the last flush; the router function calls it
 * before acknowledging the envelope, so an envelope is only acknowledged once its effects are out.
 */
public final class PubSubEgress implements DeliverySink, AutoCloseable {
  private final Publisher publisher;
  private final ThreadLocal<List<Pending>> pending = ThreadLocal.withInitial(ArrayList::new);

  private record Pending(String orderingKey, ApiFuture<String> future) {}

  public PubSubEgress(Publisher publisher) {
    this.publisher = publisher;
  }

  @Override
  public void deliver(Delivery delivery) {
    PubsubMessage message =
        PubsubMessage.newBuilder()
            .setData(ByteString.copyFrom(WireCodec.encode(delivery), StandardCharsets.UTF_8))
            .putAttributes(Attributes.GATEWAY, delivery.gatewayId())
            .putAttributes(Attributes.CONNECTION, delivery.connectionId())
            .setOrderingKey(delivery.orderingKey())
            .build();
    pending.get().add(new Pending(delivery.orderingKey(), publisher.publish(message)));
  }

  /**
   * Waits for this thread's publishes. On failure the ordering keys involved are resumed (the client
   * blocks a key after a failed publish until {@code resumePublish}) and the failure is thrown so
   * the envelope is retried; the gateway drops the copies that did get through.
   */
  public void flush() {
    List<Pending> mine = pending.get();
    try {
      ApiFutures.allAsList(mine.stream().map(Pending::future).toList()).get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EgressUnavailableException(e);
    } catch (ExecutionException | TimeoutException e) {
      mine.forEach(p -> publisher.resumePublish(p.orderingKey()));
      throw new EgressUnavailableException(e instanceof ExecutionException ? e.getCause() : e);
    } finally {
      mine.clear();
    }
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
