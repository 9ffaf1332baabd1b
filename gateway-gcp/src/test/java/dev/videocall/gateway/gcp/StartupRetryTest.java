package dev.videocall.gateway.gcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class StartupRetryTest {

  @Test
  void aStepThatFailsAFewTimesIsRetriedUntilItSucceeds() throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    new StartupRetry(Duration.ofSeconds(30)).run("flaky", () -> {
      if (attempts.incrementAndGet() < 3) {
        throw new IllegalStateException("PERMISSION_DENIED (not yet)");
      }
    });
    assertEquals(3, attempts.get());
  }

  @Test
  void onceTheBudgetIsSpentTheLastFailureIsThrown() {
    IllegalStateException last = new IllegalStateException("still refused");
    AtomicInteger attempts = new AtomicInteger();
    long started = System.nanoTime();
    IllegalStateException thrown = assertThrows(IllegalStateException.class,
        () -> new StartupRetry(Duration.ofMillis(1500)).run("never", () -> {
          attempts.incrementAndGet();
          throw last;
        }));
    long millis = (System.nanoTime() - started) / 1_000_000;
    assertSame(last, thrown);
    assertTrue(attempts.get() >= 2, "retried before giving up: " + attempts.get());
    assertTrue(millis >= 1500 && millis < 5000, "gave up when the budget ran out, not long after: " + millis + " ms");
  }

  @Test
  void stepsShareOneBudget() throws Exception {
    StartupRetry retry = new StartupRetry(Duration.ofMillis(800));
    retry.run("first", () -> Thread.sleep(900));
    assertThrows(IllegalStateException.class, () -> retry.run("second", () -> {
      throw new IllegalStateException("refused");
    }), "the second step finds the budget already spent and gives up after one try");
  }
}
