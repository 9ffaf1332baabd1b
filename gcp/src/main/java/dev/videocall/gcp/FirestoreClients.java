package dev.videocall.gcp;

import com.google.api.gax.core.FixedCredentialsProvider;
import com.google.api.gax.grpc.InstantiatingGrpcChannelProvider;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.FirestoreOptions;
import io.grpc.ManagedChannelBuilder;

/** Builds the process's Firestore client, for the real service or for the emulator in the config. */
public final class FirestoreClients {
  private FirestoreClients() {}

  public static Firestore create(CloudConfig config) {
    // newBuilder, not getDefaultInstance: the latter looks for a default project before ours is set.
    FirestoreOptions.Builder builder =
        FirestoreOptions.newBuilder().setProjectId(config.projectId()).setDatabaseId(config.firestoreDatabase());
    String emulator = config.firestoreEmulatorHost();
    if (emulator != null) {
      // The emulator spelled out: a plaintext channel and the emulator's own credentials. Tried and
      // refused: the builder's setEmulatorHost does not reach the emulator from a shaded jar
      // (docs/emulators.md).
      builder.setHost(emulator)
          .setChannelProvider(InstantiatingGrpcChannelProvider.newBuilder()
              .setEndpoint(emulator)
              .setChannelConfigurator(ManagedChannelBuilder::usePlaintext)
              .build())
          .setCredentialsProvider(FixedCredentialsProvider.create(new FirestoreOptions.EmulatorCredentials()));
    }
    return builder.build().getService();
  }
}
