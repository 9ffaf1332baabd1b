package dev.videocall.bench;

import dev.videocall.bench.Pairs.Pair;
import dev.videocall.bench.Target.Kind;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Every pair repeats a call's signaling: a ~4 KB offer, a ~4 KB answer, then ten ~200 B candidates
 * each way. Each message carries the time it left, so the receiver records send-to-receive latency.
 * Paced: a pair starts a round every {@code periodMillis} (or at once, if the last round overran);
 * closed loop ({@code periodMillis == 0}): the next round starts when the last one is complete.
 */
final class RelayRun {
  static final int CANDIDATES_EACH_WAY = 10;
  static final int MESSAGES_PER_ROUND = 2 + 2 * CANDIDATES_EACH_WAY;
  private static final int SDP_CHARS = 4000;
  private static final int CANDIDATE_CHARS = 150;

  /**
   * {@code offerNanos}: the offers alone. An offer leaves when nothing else of its sender is in flight,
   * so it shows the path's latency without queueing behind the same connection's earlier messages.
   */
  record Result(
      String target,
      String mode,
      int pairs,
      long messages,
      double seconds,
      Histogram latencyNanos,
      Histogram offerNanos,
      long unexpectedFrames) implements LatencyPoint {
    double messagesPerSecond() {
      return messages / seconds;
    }

    @Override
    public double millis(double percentile) {
      return latencyNanos.getValueAtPercentile(percentile) / 1e6;
    }
  }

  private final Target target;
  private final List<Pair> pairs;
  private final long periodMillis;
  private final ConcurrentHistogram latencies = new ConcurrentHistogram(TimeUnit.SECONDS.toNanos(120), 3);
  private final ConcurrentHistogram offers = new ConcurrentHistogram(TimeUnit.SECONDS.toNanos(120), 3);
  private final AtomicLong received = new AtomicLong();
  private final AtomicLong unexpected = new AtomicLong();
  private volatile boolean measuring;
  private volatile boolean running = true;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "relay-pacer");
    t.setDaemon(true);
    return t;
  });

  RelayRun(Target target, List<Pair> pairs, long periodMillis) {
    this.target = target;
    this.pairs = pairs;
    this.periodMillis = periodMillis;
  }

  Result run(int warmupSeconds, int measureSeconds) throws InterruptedException {
    for (Pair p : pairs) {
      AtomicInteger roundCount = new AtomicInteger();
      AtomicLong roundStarted = new AtomicLong();
      p.a().onFrame(f -> onFrame(p, true, f, roundCount, roundStarted));
      p.b().onFrame(f -> onFrame(p, false, f, roundCount, roundStarted));
      long offset = periodMillis == 0 ? 0 : ThreadLocalRandom.current().nextLong(periodMillis);
      timer.schedule(() -> startRound(p, roundStarted), offset, TimeUnit.MILLISECONDS);
    }
    Thread.sleep(TimeUnit.SECONDS.toMillis(warmupSeconds));
    latencies.reset();
    offers.reset();
    long before = received.get();
    long unexpectedBefore = unexpected.get();
    long started = System.nanoTime();
    measuring = true;
    Thread.sleep(TimeUnit.SECONDS.toMillis(measureSeconds));
    measuring = false;
    double seconds = (System.nanoTime() - started) / 1e9;
    long messages = received.get() - before;
    Histogram snapshot = latencies.copy();
    Histogram offerSnapshot = offers.copy();
    running = false;
    timer.shutdownNow();
    Thread.sleep(1000); // let the rounds in flight finish before the sockets are reused or closed
    String mode = periodMillis == 0 ? "closed loop" : "1 round/" + periodMillis + " ms";
    return new Result(target.name(), mode, pairs.size(), messages, seconds, snapshot, offerSnapshot, unexpected.get() - unexpectedBefore);
  }

  private void startRound(Pair p, AtomicLong roundStarted) {
    if (!running) {
      return;
    }
    roundStarted.set(System.nanoTime());
    p.a().send(() -> target.frame(Kind.OFFER, p.aName(), p.bName(), body('O', SDP_CHARS)));
  }

  private void onFrame(Pair p, boolean atA, String frame, AtomicInteger roundCount, AtomicLong roundStarted) {
    int mark = frame.indexOf("@T");
    if (mark < 0) {
      unexpected.incrementAndGet();
      return;
    }
    long now = System.nanoTime();
    char kind = frame.charAt(mark + 2);
    long sentAt = Long.parseLong(frame, mark + 3, frame.indexOf('@', mark + 3), 10);
    received.incrementAndGet();
    if (measuring) {
      latencies.recordValue(Math.max(0, now - sentAt));
      if (kind == 'O') {
        offers.recordValue(Math.max(0, now - sentAt));
      }
    }
    if (kind == 'O' && !atA) {
      // b answers and trickles its candidates, as a browser does right after setLocalDescription.
      p.b().send(() -> target.frame(Kind.ANSWER, p.bName(), p.aName(), body('A', SDP_CHARS)));
      for (int i = 0; i < CANDIDATES_EACH_WAY; i++) {
        p.b().send(() -> target.frame(Kind.CANDIDATE, p.bName(), p.aName(), body('C', CANDIDATE_CHARS)));
      }
    } else if (kind == 'A' && atA) {
      for (int i = 0; i < CANDIDATES_EACH_WAY; i++) {
        p.a().send(() -> target.frame(Kind.CANDIDATE, p.aName(), p.bName(), body('C', CANDIDATE_CHARS)));
      }
    }
    if (roundCount.incrementAndGet() == MESSAGES_PER_ROUND) {
      roundCount.set(0);
      long next = periodMillis == 0 ? 0 : roundStarted.get() + TimeUnit.MILLISECONDS.toNanos(periodMillis) - System.nanoTime();
      if (running) {
        try {
          timer.schedule(() -> startRound(p, roundStarted), Math.max(0, next), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
          // the run ended between the check and the schedule
        }
      }
    }
  }

  /** A message body: the kind and send time, padded to about {@code chars}. */
  private static String body(char kind, int chars) {
    StringBuilder sb = new StringBuilder(chars + 32).append("@T").append(kind).append(System.nanoTime()).append('@');
    while (sb.length() < chars) {
      sb.append(" a=x-bench-padding");
    }
    sb.setLength(chars);
    return sb.toString();
  }
}
