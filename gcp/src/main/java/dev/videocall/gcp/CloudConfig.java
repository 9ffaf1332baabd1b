package dev.videocall.gcp;

import java.util.Map;

/**
 * Where the Google Cloud resources are, read in one place from the environment:
 *
 * <ul>
 *   <li>{@code GOOGLE_CLOUD_PROJECT}: project id (with an emulator any id works; default {@code demo-videocall})
 *   <li>{@code INGRESS_TOPIC}: default {@code signal-ingress}
 *   <li>{@code EGRESS_TOPIC}: default {@code signal-egress}
 *   <li>{@code PUBSUB_EMULATOR_HOST}, {@code FIRESTORE_EMULATOR_HOST}: host:port of local emulators
 * </ul>
 */
public record CloudConfig(
    String projectId, String ingressTopic, String egressTopic, String pubsubEmulatorHost, String firestoreEmulatorHost) {

  public static final String DEFAULT_PROJECT = "demo-videocall";

  public static CloudConfig fromEnv(Map<String, String> env) {
    String project = firstNonBlank(env.get("GOOGLE_CLOUD_PROJECT"), env.get("GCP_PROJECT"));
    String pubsubEmulator = blankToNull(env.get("PUBSUB_EMULATOR_HOST"));
    String firestoreEmulator = blankToNull(env.get("FIRESTORE_EMULATOR_HOST"));
    if (project == null) {
      if (pubsubEmulator == null && firestoreEmulator == null) {
        throw new IllegalArgumentException("GOOGLE_CLOUD_PROJECT is required outside the emulators");
      }
      project = DEFAULT_PROJECT;
    }
    return new CloudConfig(
        project,
        env.getOrDefault("INGRESS_TOPIC", "signal-ingress"),
        env.getOrDefault("EGRESS_TOPIC", "signal-egress"),
        pubsubEmulator,
        firestoreEmulator);
  }

  private static String firstNonBlank(String a, String b) {
    return blankToNull(a) != null ? a : blankToNull(b);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
