package dev.videocall.gateway.gcp;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries a start-up step with exponential backoff and jitter until it succeeds or the budget is
 * spent. On a first deployment the gateway starts while its new IAM grants are still propagating and
 * a fresh Firestore database may not answer yet; both fix themselves within minutes, so failing at
 * once would only make Cloud Run give up on the revision.
 */
final class StartupRetry {
  private static final Logger log = LoggerFactory.getLogger(StartupRetry.class);
  private static final long FIRST_DELAY_MILLIS = 500;
  private static final long MAX_DELAY_MILLIS = 15_000;

  /** One start-up step; may throw anything. */
  @FunctionalInterface
  interface Step {
    void run() throws Exception;
  }

  private final long deadlineNanos;

  StartupRetry(Duration budget) {
    this.deadlineNanos = System.nanoTime() + budget.toNanos();
  }

  /** Runs {@code step} until it succeeds; throws the last failure once the shared budget is spent. */
  void run(String what, Step step) throws Exception {
    long delay = FIRST_DELAY_MILLIS;
    for (int attempt = 1; ; attempt++) {
      try {
        step.run();
        if (attempt > 1) {
          log.atInfo().addKeyValue("step", what).addKeyValue("attempts", attempt).log("start-up step succeeded after retries");
        }
        return;
      } catch (Exception e) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
          log.atError().addKeyValue("step", what).addKeyValue("attempts", attempt).addKeyValue("error", String.valueOf(e.getMessage()))
              .log("start-up step still failing when the start-up budget ran out; giving up");
          throw e;
        }
        long sleep = Math.min(ThreadLocalRandom.current().nextLong(delay / 2, delay + 1), left / 1_000_000);
        log.atWarn().addKeyValue("step", what).addKeyValue("attempt", attempt).addKeyValue("retryInMillis", sleep)
            .addKeyValue("error", String.valueOf(e.getMessage())).log("start-up step failed; retrying");
        Thread.sleep(Math.max(1, sleep));
        delay = Math.min(MAX_DELAY_MILLIS, delay * 2);
      }
    }
  }
}
