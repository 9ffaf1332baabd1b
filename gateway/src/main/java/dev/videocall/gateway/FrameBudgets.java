package dev.videocall.gateway;

import dev.videocall.contract.BoundedTable;
import java.util.Locale;

/**
 * Frame budgets by person, not by socket: the key is the link a connection opened with, so a client
 * that reconnects, or opens the same link twice, spends from the same bucket. A link's token is
 * signed over its user and peer, so the token alone names it, and the connection already holds that
 * String (no key is made per connection); a link without a token is named by its user and peer. A
 * budget left alone until it is full again (and its drops forgotten) is as good as a new one, so
 * the table (a {@link BoundedTable}) drops it when it needs room.
 */
final class FrameBudgets {
  private static final long PRUNE_EVERY_NANOS = 1_000_000_000L;

  private final FrameRateLimiter.Policy policy;
  private final BoundedTable<FrameRateLimiter> budgets;

  FrameBudgets(double perSecond, int burst, int maxDrops, int maxTracked) {
    this.policy = FrameRateLimiter.Policy.of(perSecond, burst, maxDrops);
    this.budgets = new BoundedTable<>(maxTracked, PRUNE_EVERY_NANOS, FrameRateLimiter::isFresh);
  }

  /** The budget of whoever holds this link (ids compare case-insensitively, as the core does). */
  FrameRateLimiter of(String userId, String peerId, String token, long nowNanos) {
    // A made-up token could spell another link's key; it only shares (never refills) that budget,
    // and the link is refused at the door or by the core anyway.
    String person = token != null ? token : lower(userId) + '\n' + lower(peerId) + '\n';
    return budgets.compute(person, (k, old) -> old != null ? old : new FrameRateLimiter(policy, nowNanos), nowNanos);
  }

  int tracked() {
    return budgets.size();
  }

  private static String lower(String id) {
    return id == null ? "" : id.toLowerCase(Locale.ROOT);
  }
}
