package dev.videocall.functions;

import dev.videocall.contract.config.EnvValues;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The functions' own settings (beside {@code CloudConfig} for Pub/Sub and Firestore and
 * {@code CoreConfig} for keys, links and ICE servers), read from the environment map that
 * {@link CloudWiring} reads once:
 *
 * <ul>
 *   <li>{@code HEARTBEAT_WINDOW_SECONDS} (30): a gateway silent this long counts as gone
 *   <li>{@code PUBLIC_BASE_URL}: the site's URL that invite links start with, and the origin whose
 *       page may call CreateCall (CreateCall only)
 *   <li>{@code OWNER_KEY}: the owner key CreateCall requires ({@code Authorization: Bearer …});
 *       CreateCall only, from Secret Manager
 *   <li>{@code ALLOWED_ORIGINS}: further origins whose pages may call CreateCall (comma-separated)
 *   <li>{@code SWEEP_PASSES} (1) and {@code SWEEP_INTERVAL_SECONDS} (10): sweeps per scheduled call
 * </ul>
 */
public record FunctionsConfig(
    Duration heartbeatWindow, String publicBaseUrl, int sweepPasses, Duration sweepInterval, String ownerKey, List<String> allowedOrigins) {

  public static FunctionsConfig fromEnv(Map<String, String> env) {
    return new FunctionsConfig(
        EnvValues.seconds(env, "HEARTBEAT_WINDOW_SECONDS", Duration.ofSeconds(30)),
        EnvValues.optional(env, "PUBLIC_BASE_URL"),
        Math.max(1, EnvValues.intValue(env, "SWEEP_PASSES", 1)),
        EnvValues.seconds(env, "SWEEP_INTERVAL_SECONDS", Duration.ofSeconds(10)),
        EnvValues.optional(env, "OWNER_KEY"),
        EnvValues.list(env, "ALLOWED_ORIGINS", List.of()));
  }

  /** Never prints the owner key: this record may end up in a log line or an exception. */
  @Override
  public String toString() {
    return "FunctionsConfig[heartbeatWindow=" + heartbeatWindow + ", publicBaseUrl=" + publicBaseUrl + ", sweepPasses=" + sweepPasses
        + ", sweepInterval=" + sweepInterval + ", ownerKey=" + (ownerKey == null ? "unset" : "set") + ", allowedOrigins=" + allowedOrigins + "]";
  }
}
