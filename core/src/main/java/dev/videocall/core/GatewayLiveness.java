package dev.videocall.core;

import java.time.Instant;

/**
 * Whether a gateway instance is still alive (its heartbeat is fresh). A participant on a dead gateway
 * is treated as gone. In one JVM every gateway is alive.
 */
@FunctionalInterface
public interface GatewayLiveness {
  GatewayLiveness ALWAYS_ALIVE = (gatewayId, now) -> true;

  boolean isAlive(String gatewayId, Instant now);
}
