package dev.videocall.gcp;

import com.google.api.gax.core.CredentialsProvider;
import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.api.gax.rpc.TransportChannelProvider;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.cloud.pubsub.v1.Subscriber;
import com.google.cloud.pubsub.v1.SubscriptionAdminClient;
import com.google.cloud.pubsub.v1.SubscriptionAdminSettings;
import com.google.cloud.pubsub.v1.TopicAdminClient;
import com.google.cloud.pubsub.v1.TopicAdminSettings;
import com.google.cloud.pubsub.v1.MessageReceiver;
import com.google.pubsub.v1.ProjectSubscriptionName;
import com.google.pubsub.v1.TopicName;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Builds Pub/Sub clients for a real project or, when {@code PUBSUB_EMULATOR_HOST} is set, for the
 * emulator (the Java client does not read that variable itself: it needs a plaintext channel and no
 * credentials), and through {@code PUBSUB_ENDPOINT} where it is set (a region's own endpoint). One
 * instance per process; {@link #close()} releases the shared emulator channel.
 */
public final class PubSubClients implements AutoCloseable {
  private final CloudConfig config;
  private final ManagedChannel emulatorChannel;

  public PubSubClients(CloudConfig config) {
    this.config = config;
    this.emulatorChannel =
        config.pubsubEmulatorHost() == null
            ? null
            : ManagedChannelBuilder.forTarget(config.pubsubEmulatorHost()).usePlaintext().build();
  }

  public CloudConfig config() {
    return config;
  }

  public TopicName topic(String name) {
    return TopicName.of(config.projectId(), name);
  }

  public ProjectSubscriptionName subscription(String name) {
    return ProjectSubscriptionName.of(config.projectId(), name);
  }

  /** A publisher with message ordering on (every message here carries an ordering key). */
  public Publisher orderedPublisher(String topic) throws IOException {
    Publisher.Builder b = Publisher.newBuilder(topic(topic)).setEnableMessageOrdering(true);
    if (emulatorChannel != null) {
      b.setChannelProvider(channelProvider()).setCredentialsProvider(noCredentials());
    } else if (config.pubsubEndpoint() != null) {
      b.setEndpoint(config.pubsubEndpoint());
    }
    return b.build();
  }

  public Subscriber subscriber(String subscription, MessageReceiver receiver) {
    Subscriber.Builder b = Subscriber.newBuilder(subscription(subscription), receiver);
    if (emulatorChannel != null) {
      b.setChannelProvider(channelProvider()).setCredentialsProvider(noCredentials());
    } else if (config.pubsubEndpoint() != null) {
      b.setEndpoint(config.pubsubEndpoint());
    }
    return b.build();
  }

  public SubscriptionAdminClient subscriptionAdmin() throws IOException {
    SubscriptionAdminSettings.Builder b = SubscriptionAdminSettings.newBuilder();
    if (emulatorChannel != null) {
      b.setTransportChannelProvider(channelProvider()).setCredentialsProvider(noCredentials());
    } else if (config.pubsubEndpoint() != null) {
      b.setEndpoint(config.pubsubEndpoint());
    }
    return SubscriptionAdminClient.create(b.build());
  }

  public TopicAdminClient topicAdmin() throws IOException {
    TopicAdminSettings.Builder b = TopicAdminSettings.newBuilder();
    if (emulatorChannel != null) {
      b.setTransportChannelProvider(channelProvider()).setCredentialsProvider(noCredentials());
    } else if (config.pubsubEndpoint() != null) {
      b.setEndpoint(config.pubsubEndpoint());
    }
    return TopicAdminClient.create(b.build());
  }

  private TransportChannelProvider channelProvider() {
    return FixedTransportChannelProvider.create(GrpcTransportChannel.create(emulatorChannel));
  }

  private static CredentialsProvider noCredentials() {
    return NoCredentialsProvider.create();
  }

  @Override
  public void close() {
    if (emulatorChannel != null) {
      emulatorChannel.shutdown();
      try {
        emulatorChannel.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
