package dev.videocall.gateway;

import dev.videocall.contract.BoundedTable;
import java.util.Locale;

/**
 * Frame budgets by person, not by socket: the key is the link a connection opened with (user, peer,
 * token), so a client that reconnects, or opens the same link twice, spends from the same bucket. A
 * budget left alone until it is full again (and its drops forgotten) is as good as a new one, so
 * the table (a {@link BoundedTable}) drops it when it needs room.
 */
final class FrameBudgets {
  private static final long PRUNE_EVERY_NANOS = 1_000_000_000L;

  private final double perSecond;
  private final int burst;
  private final int maxDrops;
  private final BoundedTable<FrameRateLimiter> budgets;

  FrameBudgets(double perSecond, int burst, int maxDrops, int maxTracked) {
    this.perSecond = perSecond;
    this.burst = burst;
    this.maxDrops = maxDrops;
    this.budgets = new BoundedTable<>(maxTracked, PRUNE_EVERY_NANOS, FrameRateLimiter::isFresh);
  }

  /** The budget of whoever holds this link (ids compare case-insensitively, as the core does). */
  FrameRateLimiter of(String userId, String peerId, String token, long nowNanos) {
    String person = lower(userId) + '\n' + lower(peerId) + '\n' + (token == null ? "" : token);
    return budgets.compute(person, (k, old) -> old != null ? old : new FrameRateLimiter(perSecond, burst, maxDrops, nowNanos), nowNanos);
  }

  int tracked() {
    return budgets.size();
  }

  private static String lower(String id) {
    return id == null ? "" : id.toLowerCase(Locale.ROOT);
  }
}
