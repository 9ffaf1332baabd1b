package dev.videocall.contract;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;

/**
 * Per-key state that stays bounded whatever keys arrive: what the gateway's connection and frame
 * limits and the core's call-creation limit keep per client address, link or key. Past its cap, entries that have become
 * {@code spent} (as good as a fresh one, so dropping them changes nothing) are removed, at most once
 * per {@code pruneEvery} so that a flood of new keys cannot make every call scan the table; if it is
 * still over twice the cap after that, it is cleared: memory must stay bounded whatever arrives.
 */
public final class BoundedTable<V> {
  private final int maxTracked;
  private final long pruneEvery;
  private final BiPredicate<V, Long> spent;
  private final ConcurrentHashMap<String, V> entries = new ConcurrentHashMap<>();
  private final AtomicLong lastPrune = new AtomicLong(Long.MIN_VALUE / 2);

  /** Times ({@code now}, {@code pruneEvery}) are in whatever unit the caller uses throughout. */
  public BoundedTable(int maxTracked, long pruneEvery, BiPredicate<V, Long> spent) {
    this.maxTracked = maxTracked;
    this.pruneEvery = pruneEvery;
    this.spent = spent;
  }

  /** As {@link ConcurrentHashMap#compute}, after pruning if the table is over its cap. */
  public V compute(String key, BiFunction<String, V, V> update, long now) {
    if (entries.size() > maxTracked) {
      prune(now);
    }
    return entries.compute(key, update);
  }

  public int size() {
    return entries.size();
  }

  private void prune(long now) {
    long last = lastPrune.get();
    if (now - last < pruneEvery || !lastPrune.compareAndSet(last, now)) {
      return;
    }
    entries.values().removeIf(v -> spent.test(v, now));
    if (entries.size() > 2L * maxTracked) {
      entries.clear();
    }
  }
}
