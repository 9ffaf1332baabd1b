package dev.videocall.gcp;

import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.FirestoreOptions;

/**
 * Builds the process's Firestore client. With {@code FIRESTORE_EMULATOR_HOST} in the environment the
 * client library connects to the emulator by itself (setting the host on the builder alone did not
 * reach the emulator we test with).
 */
public final class FirestoreClients {
  private FirestoreClients() {}

  public static Firestore create(CloudConfig config) {
    // newBuilder, not getDefaultInstance: the latter looks for a default project before ours is set.
    return FirestoreOptions.newBuilder().setProjectId(config.projectId()).build().getService();
  }
}
