package dev.videocall.gcp;

import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.FirestoreOptions;

/**
 * Builds the process's Firestore client. With {@code FIRESTORE_EMULATOR_HOST} in the environment the
 * client library connects to the emulator by itself (setting the host on the builder alone did not
 * reach the npm emulator we test with); an emulator named only in the config is set on the builder.
 */
public final class FirestoreClients {
  private FirestoreClients() {}

  public static Firestore create(CloudConfig config) {
    // newBuilder, not getDefaultInstance: the latter looks for a default project before ours is set.
    FirestoreOptions.Builder builder = FirestoreOptions.newBuilder().setProjectId(config.projectId());
    if (config.firestoreEmulatorHost() != null && System.getenv("FIRESTORE_EMULATOR_HOST") == null) {
      // An emulator known only to this process (started by Testcontainers): name it explicitly.
      builder.setEmulatorHost(config.firestoreEmulatorHost())
          .setCredentials(com.google.cloud.NoCredentials.getInstance());
    }
    return builder.build().getService();
  }
}
