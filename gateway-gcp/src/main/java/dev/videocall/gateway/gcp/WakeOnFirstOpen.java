package dev.videocall.gateway.gcp;

import dev.videocall.contract.Envelope;
import dev.videocall.contract.EnvelopeSink;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes the instance's background work before the first connection after it held none goes on.
 *
 * <p>Under request-based billing ({@code cpu_idle = true}) an instance with no request in progress
 * (here: no open WebSocket) has its CPU "disabled or severely limited", and "any subsequent request
 * to the same container instance resumes any suspended background activity" (Cloud Run, general
 * development tips). So the heartbeat may be stale and the egress subscriber's stream may have sat
 * frozen for minutes. Before forwarding the open of the connection that ends the idle, this sink
 * (1) beats the heartbeat if it is older than its interval, so the functions see the instance alive
 * before anything of that connection reaches them, and (2) after a long idle, renews the egress
 * subscriber (a fresh streaming pull on fresh channels) rather than trusting a stream that may have
 * died while frozen; no delivery can be pending for an instance that holds no connection, so
 * nothing is lost. Everything else passes straight through.
 *
 * <p>It counts connections from what it forwards: every connection forwards exactly one open and,
 * when it ends, one close. The two log lines it writes, "first connection after idle" and "no
 * connections left" (with {@code busyMillis}), bracket the time the instance held a socket: under
 * request-based billing, the time it is billed for (docs/deploy.md, "What a call costs").
 *
 * <p>Built in two steps: the gateway is built with this sink, and what the sink forwards to and
 * wakes is built after the gateway, which it needs; {@link #start} joins them before the port opens.
 */
final class WakeOnFirstOpen implements EnvelopeSink {
  private static final Logger log = LoggerFactory.getLogger(WakeOnFirstOpen.class);

  /** Where envelopes go on, and what the first open after an idle wakes. */
  private record Downstream(EnvelopeSink next, Runnable beatIfStale, Runnable renewEgress) {}

  private final long renewAfterIdleNanos;
  private final LongSupplier nanoTime;
  private volatile Downstream downstream;
  private int open;
  private long idleSince;
  private long busySince;

  /** @param renewAfterIdle how long without a connection before the subscriber is renewed */
  WakeOnFirstOpen(Duration renewAfterIdle, LongSupplier nanoTime) {
    this.renewAfterIdleNanos = renewAfterIdle.toNanos();
    this.nanoTime = nanoTime;
    this.idleSince = nanoTime.getAsLong();
  }

  /**
   * Once, before the gateway opens its port.
   *
   * @param next where every envelope goes on
   * @param beatIfStale beats now if the last beat is older than the heartbeat interval; never throws
   * @param renewEgress replaces the egress subscriber; never throws
   */
  void start(EnvelopeSink next, Runnable beatIfStale, Runnable renewEgress) {
    if (downstream != null) {
      throw new IllegalStateException("already started");
    }
    downstream = new Downstream(next, beatIfStale, renewEgress);
  }

  @Override
  public void accept(Envelope envelope) {
    Downstream d = downstream;
    if (d == null) {
      throw new IllegalStateException("an envelope arrived before the sink was started");
    }
    switch (envelope.event()) {
      case OPEN -> opened(d);
      case CLOSE -> closed();
      case FRAME -> { }
    }
    d.next().accept(envelope);
  }

  /** Concurrent first opens wait here for one wake; later opens pass at once. */
  private synchronized void opened(Downstream d) {
    if (open++ > 0) {
      return;
    }
    long started = nanoTime.getAsLong();
    busySince = started;
    long idleNanos = started - idleSince;
    d.beatIfStale().run();
    boolean renewed = idleNanos >= renewAfterIdleNanos;
    if (renewed) {
      d.renewEgress().run();
    }
    log.atInfo()
        .addKeyValue("idleSeconds", idleNanos / 1_000_000_000L)
        .addKeyValue("egressRenewed", renewed)
        .addKeyValue("wakeMillis", (nanoTime.getAsLong() - started) / 1_000_000)
        .log("first connection after idle");
  }

  private synchronized void closed() {
    if (open > 0 && --open == 0) {
      idleSince = nanoTime.getAsLong();
      log.atInfo().addKeyValue("busyMillis", (idleSince - busySince) / 1_000_000).log("no connections left");
    }
  }

  /** Open connections as counted from the envelopes; for tests. */
  synchronized int openConnections() {
    return open;
  }
}
