package dev.videocall.functions;

import dev.videocall.contract.config.EnvValues;
import java.time.Duration;
import java.util.Map;

/**
 * The functions' own settings (beside {@code CloudConfig} for Pub/Sub and Firestore and
 * {@code CoreConfig} for keys, links and ICE servers), read from the environment map that
 * {@link CloudWiring} reads once:
 *
 * <ul>
 *   <li>{@code HEARTBEAT_WINDOW_SECONDS} (30): a gateway silent this long counts as gone
 *   <li>{@code PUBLIC_BASE_URL}: the site's URL that invite links start with (CreateCall only)
 *   <li>{@code SWEEP_PASSES} (1) and {@code SWEEP_INTERVAL_SECONDS} (10): sweeps per scheduled call
 * </ul>
 */
public record FunctionsConfig(Duration heartbeatWindow, String publicBaseUrl, int sweepPasses, Duration sweepInterval) {

  public static FunctionsConfig fromEnv(Map<String, String> env) {
    return new FunctionsConfig(
        EnvValues.seconds(env, "HEARTBEAT_WINDOW_SECONDS", Duration.ofSeconds(30)),
        EnvValues.optional(env, "PUBLIC_BASE_URL"),
        Math.max(1, EnvValues.intValue(env, "SWEEP_PASSES", 1)),
        EnvValues.seconds(env, "SWEEP_INTERVAL_SECONDS", Duration.ofSeconds(10)));
  }
}
