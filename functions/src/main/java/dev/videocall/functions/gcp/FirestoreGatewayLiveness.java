package dev.videocall.functions.gcp;

import dev.videocall.core.GatewayLiveness;
import dev.videocall.gcp.GatewayHeartbeats;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A gateway is alive while its heartbeat is younger than the window. Lookups are cached briefly per
 * function instance, so a burst of frames costs one Firestore read per gateway, not one per frame.
 */
public final class FirestoreGatewayLiveness implements GatewayLiveness {
  private final GatewayHeartbeats heartbeats;
  private final Duration window;
  private final Duration cacheFor;
  private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

  private record Cached(Optional<Instant> lastBeat, Instant readAt) {}

  public FirestoreGatewayLiveness(GatewayHeartbeats heartbeats, Duration window, Duration cacheFor) {
    this.heartbeats = heartbeats;
    this.window = window;
    this.cacheFor = cacheFor;
  }

  @Override
  public boolean isAlive(String gatewayId, Instant now) {
    Cached c = cache.get(gatewayId);
    if (c == null || c.readAt().plus(cacheFor).isBefore(now)) {
      c = new Cached(heartbeats.lastBeat(gatewayId), now);
      cache.put(gatewayId, c);
      if (cache.size() > 10_000) {
        cache.clear(); // bounded: instances come and go; a miss only costs one read
      }
    }
    return c.lastBeat().map(beat -> beat.plus(window).isAfter(now)).orElse(false);
  }
}
