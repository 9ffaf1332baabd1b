package dev.videocall.gateway.gcp;

import com.google.api.core.ApiFutureCallback;
import com.google.api.core.ApiFutures;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import dev.videocall.contract.Envelope;
import dev.videocall.contract.EnvelopeSink;
import dev.videocall.contract.WireCodec;
import dev.videocall.gcp.Attributes;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingress port on Pub/Sub: every envelope goes to the ingress topic with its connection id as
 * ordering key, so one person's frames reach the router in order. Publishing is asynchronous; when a
 * publish fails the client library pauses that ordering key (later publishes on it fail at once)
 * until {@code resumePublish}. The connection is reported as failed (the gateway closes it with 1011
 * and the browser reconnects on a fresh connection and key), and the key is resumed before its next
 * envelope — at the latest the close — so the close still reaches the router and no paused key is
 * left behind. (Resuming inside the failure callback can run before the library pauses the key.)
 */
public final class PubSubIngress implements EnvelopeSink, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PubSubIngress.class);

  private final Publisher publisher;
  private final BiConsumer<String, Throwable> onConnectionFailed;
  private final Set<String> pausedKeys = ConcurrentHashMap.newKeySet();

  public PubSubIngress(Publisher publisher, BiConsumer<String, Throwable> onConnectionFailed) {
    this.publisher = publisher;
    this.onConnectionFailed = onConnectionFailed;
  }

  @Override
  public void accept(Envelope envelope) {
    if (pausedKeys.remove(envelope.orderingKey())) {
      publisher.resumePublish(envelope.orderingKey());
    }
    PubsubMessage message =
        PubsubMessage.newBuilder()
            .setData(ByteString.copyFrom(WireCodec.encode(envelope), StandardCharsets.UTF_8))
            .putAttributes(Attributes.GATEWAY, envelope.gatewayId())
            .putAttributes(Attributes.CONNECTION, envelope.connectionId())
            .setOrderingKey(envelope.orderingKey())
            .build();
    ApiFutures.addCallback(
        publisher.publish(message),
        new ApiFutureCallback<>() {
          @Override
          public void onSuccess(String messageId) {}

          @Override
          public void onFailure(Throwable t) {
            pausedKeys.add(envelope.orderingKey());
            log.atWarn()
                .addKeyValue("connectionId", envelope.connectionId())
                .addKeyValue("seq", envelope.seq())
                .addKeyValue("error", String.valueOf(t.getMessage()))
                .log("ingress publish failed; connection will be closed");
            if (envelope.event() != Envelope.Event.CLOSE) {
              onConnectionFailed.accept(envelope.connectionId(), t);
            }
          }
        },
        MoreExecutors.directExecutor());
  }

  @Override
  public void close() throws InterruptedException {
    publisher.shutdown();
    publisher.awaitTermination(5, TimeUnit.SECONDS);
  }
}
