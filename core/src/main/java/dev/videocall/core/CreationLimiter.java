package dev.videocall.core;

import dev.videocall.contract.BoundedTable;

/**
 * Token buckets for creating calls, one per key (a client address, or the owner as a whole): each
 * holds up to {@code burst} calls and refills at {@code perMinute}. A bucket is kept as the time it
 * has saved up, in nanoseconds, so refilling is exact integer arithmetic. Bounded: a bucket that is
 * full again is as good as none, and is dropped when the table needs room.
 */
public final class CreationLimiter {
  private static final long PRUNE_EVERY_NANOS = 1_000_000_000L;

  /** Saved-up time as of {@code at}; {@code granted} says whether the call that left it so was allowed. */
  private record Bucket(long saved, long at, boolean granted) {}

  /** How long one call takes to come back. */
  private final long costNanos;
  private final long capacityNanos;
  private final BoundedTable<Bucket> buckets;

  public CreationLimiter(double perMinute, int burst, int maxTracked) {
    if (perMinute <= 0 || burst < 1) {
      throw new IllegalArgumentException("call creation needs a positive rate and a burst of at least 1");
    }
    this.costNanos = Math.round(60e9 / perMinute);
    this.capacityNanos = costNanos * burst;
    this.buckets = new BoundedTable<>(maxTracked, PRUNE_EVERY_NANOS, (b, now) -> saved(b, now) >= capacityNanos);
  }

  /** Takes one call from {@code key}'s bucket: 0 when allowed, else the whole seconds until one is back. */
  public long take(String key, long nowNanos) {
    Bucket b = buckets.compute(key, (k, old) -> {
      long saved = old == null ? capacityNanos : saved(old, nowNanos);
      return saved >= costNanos ? new Bucket(saved - costNanos, nowNanos, true) : new Bucket(saved, nowNanos, false);
    }, nowNanos);
    return b.granted() ? 0 : Math.max(1, (costNanos - b.saved() + 999_999_999L) / 1_000_000_000L);
  }

  int tracked() {
    return buckets.size();
  }

  private long saved(Bucket b, long nowNanos) {
    return Math.min(capacityNanos, b.saved() + Math.max(0, nowNanos - b.at()));
  }
}
