package dev.videocall.testkit;

import java.util.Optional;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.FirestoreEmulatorContainer;
import org.testcontainers.containers.PubSubEmulatorContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Where tests find the emulators: first PUBSUB_EMULATOR_HOST / FIRESTORE_EMULATOR_HOST (this machine
 * and CI, where scripts/emulators starts Google's emulators with gcloud, once per test run), else
 * the same emulators from Google's image started once per JVM with Testcontainers when a Docker
 * engine exists, else nothing — and the caller skips with {@link #whyMissing()}.
 */
public final class EmulatorSupport {
  /** The gcloud image with both emulators (Testcontainers' gcloud module expects it). */
  static final DockerImageName CLOUD_SDK = DockerImageName.parse("gcr.io/google.com/cloudsdktool/google-cloud-cli:emulators");

  /** host:port of both emulators. */
  public record Hosts(String pubsub, String firestore) {}

  private static Hosts hosts;
  private static String whyMissing;

  private EmulatorSupport() {}

  public static synchronized Optional<Hosts> hosts() {
    if (hosts != null || whyMissing != null) {
      return Optional.ofNullable(hosts);
    }
    String pubsub = System.getenv("PUBSUB_EMULATOR_HOST");
    String firestore = System.getenv("FIRESTORE_EMULATOR_HOST");
    if (pubsub != null && firestore != null) {
      hosts = new Hosts(pubsub, firestore);
    } else if (dockerAvailable()) {
      PubSubEmulatorContainer pubsubContainer = new PubSubEmulatorContainer(CLOUD_SDK);
      FirestoreEmulatorContainer firestoreContainer = new FirestoreEmulatorContainer(CLOUD_SDK);
      pubsubContainer.start();
      firestoreContainer.start();
      hosts = new Hosts(pubsubContainer.getEmulatorEndpoint(), firestoreContainer.getEmulatorEndpoint());
    } else {
      whyMissing = "no emulators: PUBSUB_EMULATOR_HOST/FIRESTORE_EMULATOR_HOST are not set (scripts/emulators start sets them) "
          + "and no Docker engine is reachable for Testcontainers";
    }
    return Optional.ofNullable(hosts);
  }

  public static String whyMissing() {
    return whyMissing;
  }

  private static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }
}
