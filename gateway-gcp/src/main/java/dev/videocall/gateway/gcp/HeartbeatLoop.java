package dev.videocall.gateway.gcp;

import dev.videocall.gcp.GatewayHeartbeats;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes this instance's heartbeat every interval while it holds connections; a missed beat is
 * logged, never fatal. An instance without connections needs no one to see it alive (no participant
 * can be reached through it), and under request-based billing it has no CPU to beat with anyway:
 * {@link #beatIfStale()} beats at once when the first connection after such an idle arrives.
 *
 * <p>Beats are spaced with a fixed delay, not at a fixed rate: after the CPU was suspended for ten
 * minutes a fixed rate would fire the sixty missed beats back to back.
 */
public final class HeartbeatLoop implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HeartbeatLoop.class);

  private final GatewayHeartbeats heartbeats;
  private final String gatewayId;
  private final IntSupplier openConnections;
  private final Clock clock;
  private final Instant startedAt;
  private final Duration interval;
  /** System.nanoTime of the last successful beat. */
  private volatile long lastBeatNanos;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "heartbeat");
        t.setDaemon(true);
        return t;
      });

  public HeartbeatLoop(GatewayHeartbeats heartbeats, String gatewayId, IntSupplier openConnections, Clock clock, Duration interval) {
    this.heartbeats = heartbeats;
    this.gatewayId = gatewayId;
    this.openConnections = openConnections;
    this.clock = clock;
    this.startedAt = clock.instant();
    this.interval = interval;
    this.lastBeatNanos = System.nanoTime() - interval.toNanos();
  }

  /** Beats once now, throwing if Firestore fails: start-up does this before it accepts anyone. */
  public void beatNow() {
    heartbeats.beat(gatewayId, startedAt, openConnections.getAsInt(), clock.instant());
    lastBeatNanos = System.nanoTime();
  }

  /** Beats every interval from now on while there are connections; a missed beat is logged. */
  public void start() {
    timer.scheduleWithFixedDelay(this::beatIfConnected, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Beats now unless the last beat is younger than the interval; a failure is logged, not thrown. */
  public synchronized void beatIfStale() {
    if (System.nanoTime() - lastBeatNanos >= interval.toNanos()) {
      beat();
    }
  }

  private void beatIfConnected() {
    if (openConnections.getAsInt() > 0) {
      beat();
    }
  }

  private void beat() {
    try {
      beatNow();
    } catch (RuntimeException e) {
      log.atWarn().addKeyValue("gatewayId", gatewayId).addKeyValue("error", e.getMessage()).log("heartbeat failed");
    }
  }

  /** Stops beating and marks the instance stopped, so peers need not wait for the window. */
  @Override
  public void close() {
    timer.shutdownNow();
    try {
      heartbeats.stopped(gatewayId, clock.instant());
    } catch (RuntimeException e) {
      log.atWarn().addKeyValue("gatewayId", gatewayId).addKeyValue("error", e.getMessage()).log("could not mark instance stopped");
    }
  }
}
