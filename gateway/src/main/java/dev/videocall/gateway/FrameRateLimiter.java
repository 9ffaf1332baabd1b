package dev.videocall.gateway;

/**
 * A token bucket for one person's incoming frames, plus a count of recent refusals so a client that
 * ignores being throttled can be closed. Shared by every connection opened with the same link
 * ({@link FrameBudgets}), so it is thread-safe.
 */
final class FrameRateLimiter {
  /** What to do with one frame. */
  enum Verdict {
    FORWARD,
    DROP,
    CLOSE
  }

  private static final long DROP_WINDOW_NANOS = 10_000_000_000L;

  /** The limits, the same for every budget of a gateway: kept once, not in each budget. */
  record Policy(double ratePerNano, double burst, int maxDropsPerWindow) {
    static Policy of(double perSecond, int burst, int maxDropsPerWindow) {
      return new Policy(perSecond / 1e9, burst, maxDropsPerWindow);
    }
  }

  private final Policy policy;
  private double tokens;
  private long lastRefill;
  private long dropWindowStart;
  private int dropsInWindow;

  FrameRateLimiter(double perSecond, int burst, int maxDropsPerWindow, long nowNanos) {
    this(Policy.of(perSecond, burst, maxDropsPerWindow), nowNanos);
  }

  FrameRateLimiter(Policy policy, long nowNanos) {
    this.policy = policy;
    this.tokens = policy.burst();
    this.lastRefill = nowNanos;
    this.dropWindowStart = nowNanos;
  }

  synchronized Verdict onFrame(long nowNanos) {
    tokens = Math.min(policy.burst(), tokens + (nowNanos - lastRefill) * policy.ratePerNano());
    lastRefill = nowNanos;
    if (tokens >= 1) {
      tokens -= 1;
      return Verdict.FORWARD;
    }
    if (nowNanos - dropWindowStart > DROP_WINDOW_NANOS) {
      dropWindowStart = nowNanos;
      dropsInWindow = 0;
    }
    dropsInWindow++;
    return dropsInWindow > policy.maxDropsPerWindow() ? Verdict.CLOSE : Verdict.DROP;
  }

  /** True when this budget is as a new one would be: full again, and no drops still counted. */
  synchronized boolean isFresh(long nowNanos) {
    double refilled = tokens + (nowNanos - lastRefill) * policy.ratePerNano();
    return refilled >= policy.burst() && (dropsInWindow == 0 || nowNanos - dropWindowStart > DROP_WINDOW_NANOS);
  }
}
