package dev.videocall.functions.gcp;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.cloud.firestore.Firestore;
import dev.videocall.core.PresenceStore;
import dev.videocall.gcp.CloudConfig;
import dev.videocall.gcp.FirestoreClients;
import dev.videocall.testkit.EmulatorSupport;
import dev.videocall.testkit.RequiresEmulators;
import dev.videocall.testkit.PresenceStoreContract;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/** The presence contract on the Firestore emulator named by FIRESTORE_EMULATOR_HOST. */
@ExtendWith(RequiresEmulators.class)
class FirestorePresenceStoreContractTest extends PresenceStoreContract {
  private static Firestore db;
  private static FirestorePresenceStore store;

  @BeforeAll
  static void connect() {
    var hosts = EmulatorSupport.hosts();
    assumeTrue(hosts.isPresent(), EmulatorSupport::whyMissing);
    db = FirestoreClients.create(CloudConfig.fromEnv(Map.of("FIRESTORE_EMULATOR_HOST", hosts.get().firestore())));
    store = new FirestorePresenceStore(db);
  }

  @AfterAll
  static void disconnect() throws Exception {
    if (db != null) {
      db.close();
    }
  }

  @Override
  protected PresenceStore store() {
    return store;
  }

  @Override
  protected long messagesSent(String sessionId) {
    try {
      Long n = db.collection("sessions").document(sessionId).get().get().getLong("messagesSent");
      return n == null ? 0 : n;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
