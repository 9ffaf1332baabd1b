package dev.videocall.gcp;

import dev.videocall.contract.config.EnvValues;
import java.util.Map;

/**
 * Where the Google Cloud resources are, read in one place from the environment:
 *
 * <ul>
 *   <li>{@code GOOGLE_CLOUD_PROJECT}: project id (with an emulator any id works; default {@code demo-videocall})
 *   <li>{@code INGRESS_TOPIC}: default {@code signal-ingress}
 *   <li>{@code EGRESS_TOPIC}: default {@code signal-egress}
 *   <li>{@code FIRESTORE_DATABASE}: the Firestore database's id; default {@code (default)}
 *   <li>{@code PUBSUB_ENDPOINT}: host:port of Pub/Sub's API, such as the region's own
 *       {@code europe-west1-pubsub.googleapis.com:443} (ordering keys hold only among messages
 *       published in one region); default the client's global endpoint
 *   <li>{@code PUBSUB_EMULATOR_HOST}, {@code FIRESTORE_EMULATOR_HOST}: host:port of local emulators
 * </ul>
 */
public record CloudConfig(
    String projectId,
    String ingressTopic,
    String egressTopic,
    String firestoreDatabase,
    String pubsubEndpoint,
    String pubsubEmulatorHost,
    String firestoreEmulatorHost) {

  public static final String DEFAULT_PROJECT = "demo-videocall";
  public static final String DEFAULT_DATABASE = "(default)";

  public static CloudConfig fromEnv(Map<String, String> env) {
    String project = EnvValues.optional(env, "GOOGLE_CLOUD_PROJECT");
    if (project == null) {
      project = EnvValues.optional(env, "GCP_PROJECT");
    }
    String pubsubEmulator = EnvValues.optional(env, "PUBSUB_EMULATOR_HOST");
    String firestoreEmulator = EnvValues.optional(env, "FIRESTORE_EMULATOR_HOST");
    if (project == null) {
      if (pubsubEmulator == null && firestoreEmulator == null) {
        throw new IllegalArgumentException("GOOGLE_CLOUD_PROJECT is required outside the emulators");
      }
      project = DEFAULT_PROJECT;
    }
    return new CloudConfig(
        project,
        EnvValues.string(env, "INGRESS_TOPIC", "signal-ingress"),
        EnvValues.string(env, "EGRESS_TOPIC", "signal-egress"),
        EnvValues.string(env, "FIRESTORE_DATABASE", DEFAULT_DATABASE),
        EnvValues.optional(env, "PUBSUB_ENDPOINT"),
        pubsubEmulator,
        firestoreEmulator);
  }
}
