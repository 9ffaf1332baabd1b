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

/** Writes this instance's heartbeat every interval; a missed beat is logged, never fatal. */
public final class HeartbeatLoop implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HeartbeatLoop.class);

  private final GatewayHeartbeats heartbeats;
  private final String gatewayId;
  private final IntSupplier openConnections;
  private final Clock clock;
  private final Instant startedAt;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "heartbeat");
        t.setDaemon(true);
        return t;
      });

  public HeartbeatLoop(GatewayHeartbeats heartbeats, String gatewayId, IntSupplier openConnections, Clock clock) {
    this.heartbeats = heartbeats;
    this.gatewayId = gatewayId;
    this.openConnections = openConnections;
    this.clock = clock;
    this.startedAt = clock.instant();
  }

  /** Beats once now, throwing if Firestore fails: start-up does this before it accepts anyone. */
  public void beatNow() {
    heartbeats.beat(gatewayId, startedAt, openConnections.getAsInt(), clock.instant());
  }

  /** Beats every interval from now on; a missed beat is logged. */
  public void start(Duration interval) {
    timer.scheduleAtFixedRate(this::beat, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void beat() {
    try {
      heartbeats.beat(gatewayId, startedAt, openConnections.getAsInt(), clock.instant());
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
