package dev.videocall.gateway;

import static dev.videocall.gateway.FrameRateLimiter.Verdict.CLOSE;
import static dev.videocall.gateway.FrameRateLimiter.Verdict.DROP;
import static dev.videocall.gateway.FrameRateLimiter.Verdict.FORWARD;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FrameRateLimiterTest {
  static final long SECOND = 1_000_000_000L;

  @Test
  void theBurstPassesThenFramesAreDroppedUntilTokensRefill() {
    FrameRateLimiter limiter = new FrameRateLimiter(10, 3, 100, 0);
    assertEquals(FORWARD, limiter.onFrame(0));
    assertEquals(FORWARD, limiter.onFrame(0));
    assertEquals(FORWARD, limiter.onFrame(0));
    assertEquals(DROP, limiter.onFrame(0));
    assertEquals(FORWARD, limiter.onFrame(SECOND / 10), "one token back after 100 ms at 10/s");
    assertEquals(DROP, limiter.onFrame(SECOND / 10));
  }

  @Test
  void refillNeverExceedsTheBurst() {
    FrameRateLimiter limiter = new FrameRateLimiter(10, 2, 100, 0);
    long later = 60 * SECOND;
    assertEquals(FORWARD, limiter.onFrame(later));
    assertEquals(FORWARD, limiter.onFrame(later));
    assertEquals(DROP, limiter.onFrame(later), "a minute of silence still buys only the burst");
  }

  @Test
  void aClientThatKeepsGoingAfterDropsIsClosed() {
    FrameRateLimiter limiter = new FrameRateLimiter(1, 1, 2, 0);
    assertEquals(FORWARD, limiter.onFrame(0));
    assertEquals(DROP, limiter.onFrame(0));
    assertEquals(DROP, limiter.onFrame(0));
    assertEquals(CLOSE, limiter.onFrame(0), "the third drop within the window closes");
  }

  @Test
  void dropsAreForgivenAfterTheWindow() {
    FrameRateLimiter limiter = new FrameRateLimiter(0.001, 1, 2, 0);
    limiter.onFrame(0);
    assertEquals(DROP, limiter.onFrame(0));
    assertEquals(DROP, limiter.onFrame(0));
    assertEquals(DROP, limiter.onFrame(11 * SECOND), "a new 10 s window starts counting again");
  }
}
