package dev.videocall.gcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CloudConfigTest {

  @Test
  void readsTheDeploymentsOwnDatabaseAndTheRegionalPubSubEndpoint() {
    CloudConfig config = CloudConfig.fromEnv(Map.of(
        "GOOGLE_CLOUD_PROJECT", "my-project",
        "FIRESTORE_DATABASE", "videocall",
        "PUBSUB_ENDPOINT", "europe-west1-pubsub.googleapis.com:443"));

    assertEquals("my-project", config.projectId());
    assertEquals("videocall", config.firestoreDatabase());
    assertEquals("europe-west1-pubsub.googleapis.com:443", config.pubsubEndpoint());
  }

  @Test
  void withoutThemTheDefaultDatabaseAndTheClientsOwnEndpoint() {
    CloudConfig config = CloudConfig.fromEnv(Map.of("GOOGLE_CLOUD_PROJECT", "my-project"));

    assertEquals("(default)", config.firestoreDatabase());
    assertNull(config.pubsubEndpoint());
  }

  @Test
  void aProjectIsRequiredOutsideTheEmulators() {
    assertThrows(IllegalArgumentException.class, () -> CloudConfig.fromEnv(Map.of()));
  }
}
