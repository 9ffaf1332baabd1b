package dev.videocall.gateway.gcp;

import dev.videocall.contract.config.EnvValues;
import dev.videocall.gateway.GatewayConfig;
import dev.videocall.gcp.CloudConfig;
import java.time.Duration;
import java.util.Map;

/**
 * Everything the cloud gateway reads from its environment, once, in {@link GatewayMain}: the
 * gateway's own settings, where Pub/Sub and Firestore are, and
 *
 * <ul>
 *   <li>{@code HEARTBEAT_INTERVAL_SECONDS} (10): how often this instance writes its heartbeat
 *   <li>{@code EGRESS_SUBSCRIPTION_PREFIX} ({@code egress-}): this instance's subscription is the
 *       prefix plus its gateway id, so IAM can scope the gateway's grant to that prefix
 *   <li>{@code STARTUP_TIMEOUT_SECONDS} (200): how long start-up keeps retrying Pub/Sub and
 *       Firestore (new IAM grants take minutes to apply) before the process gives up and exits; the
 *       page is served meanwhile (docs/deploy.md, "Started and ready")
 *   <li>{@code READY_WAIT_SECONDS} (10): how long a socket opened before the instance is ready waits
 *       for it; then it is closed with 1013 and the page reconnects with backoff (see {@link ReadinessGate})
 *   <li>{@code ROUTER_WAKE_AFTER_IDLE_SECONDS} (60): a call page served, or a socket opened while the
 *       instance starts, wakes the router unless this instance sent it anything this recently (see
 *       {@link RouterWake})
 *   <li>{@code EGRESS_RENEW_AFTER_IDLE_SECONDS} (60): when the first connection arrives after the
 *       instance held none for this long, the egress subscriber is renewed before that connection's
 *       open goes on (see {@link WakeOnFirstOpen})
 * </ul>
 */
public record CloudGatewayConfig(
    GatewayConfig gateway,
    CloudConfig cloud,
    Duration heartbeatInterval,
    String egressSubscriptionPrefix,
    Duration startupTimeout,
    Duration egressRenewAfterIdle,
    Duration readyWait,
    Duration routerWakeAfterIdle) {

  public static CloudGatewayConfig fromEnv(Map<String, String> env) {
    return new CloudGatewayConfig(
        GatewayConfig.fromEnv(env),
        CloudConfig.fromEnv(env),
        EnvValues.seconds(env, "HEARTBEAT_INTERVAL_SECONDS", Duration.ofSeconds(10)),
        EnvValues.string(env, "EGRESS_SUBSCRIPTION_PREFIX", "egress-"),
        EnvValues.seconds(env, "STARTUP_TIMEOUT_SECONDS", Duration.ofSeconds(200)),
        EnvValues.seconds(env, "EGRESS_RENEW_AFTER_IDLE_SECONDS", Duration.ofSeconds(60)),
        EnvValues.seconds(env, "READY_WAIT_SECONDS", Duration.ofSeconds(10)),
        EnvValues.seconds(env, "ROUTER_WAKE_AFTER_IDLE_SECONDS", Duration.ofSeconds(60)));
  }

  public String egressSubscription() {
    return egressSubscriptionPrefix + gateway.gatewayId();
  }
}
