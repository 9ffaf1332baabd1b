package dev.videocall.functions.gcp;

import dev.videocall.core.GatewayLiveness;
import dev.videocall.gcp.GatewayHeartbeats;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A gateway is alive while its heartbeat is younger than the window. "Alive" answers are cached
 * briefly per function instance, so a burst of frames costs one Firestore read per gateway, not one
 * per frame; "dead" answers are never cached. Under request-based billing a gateway with no open
 * socket stops beating and counts as dead, and the first connection that wakes it beats before its
 * open is forwarded: a cached "dead" would refuse relays to that connection for as long as it stayed
 * cached, while a fresh read sees the new beat. Asking about a dead gateway is rare (a relay to a
 * participant whose gateway died, before the sweeper removes it), so not caching it costs little.
 */
public final class FirestoreGatewayLiveness implements GatewayLiveness {
  private final Function<String, Optional<Instant>> lastBeat;
  private final Duration window;
  private final Duration cacheFor;
  private final ConcurrentHashMap<String, Alive> cache = new ConcurrentHashMap<>();

  /** An "alive" answer read at {@code readAt}, true until {@code until} (the beat plus the window). */
  private record Alive(Instant until, Instant readAt) {}

  public FirestoreGatewayLiveness(GatewayHeartbeats heartbeats, Duration window, Duration cacheFor) {
    this(heartbeats::lastBeat, window, cacheFor);
  }

  FirestoreGatewayLiveness(Function<String, Optional<Instant>> lastBeat, Duration window, Duration cacheFor) {
    this.lastBeat = lastBeat;
    this.window = window;
    this.cacheFor = cacheFor;
  }

  @Override
  public boolean isAlive(String gatewayId, Instant now) {
    Alive cached = cache.get(gatewayId);
    if (cached != null && !cached.readAt().plus(cacheFor).isBefore(now) && cached.until().isAfter(now)) {
      return true;
    }
    Optional<Instant> until = lastBeat.apply(gatewayId).map(beat -> beat.plus(window)).filter(u -> u.isAfter(now));
    if (until.isPresent()) {
      cache.put(gatewayId, new Alive(until.get(), now));
      if (cache.size() > 10_000) {
        cache.clear(); // bounded: instances come and go; a miss only costs one read
      }
      return true;
    }
    cache.remove(gatewayId);
    return false;
  }
}
