package dev.videocall.gateway;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts new connections per client address in fixed one-minute windows. The table is bounded: past
 * its cap, windows that have ended are dropped, at most once a second so that many distinct
 * addresses cannot make every upgrade scan the table; if it is still over twice the cap after that
 * (a flood of fresh addresses), it is cleared: the limit is a courtesy against one noisy client, and
 * memory must stay bounded whatever arrives.
 */
final class AddressRateLimiter {
  private static final long WINDOW_MILLIS = 60_000;
  private static final long PRUNE_EVERY_MILLIS = 1_000;
  static final int DEFAULT_MAX_TRACKED_ADDRESSES = 100_000;

  private record Window(long start, int count) {}

  private final int limitPerMinute;
  private final int maxTracked;
  private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();
  private final AtomicLong lastPrune = new AtomicLong(Long.MIN_VALUE / 2);

  AddressRateLimiter(int limitPerMinute) {
    this(limitPerMinute, DEFAULT_MAX_TRACKED_ADDRESSES);
  }

  AddressRateLimiter(int limitPerMinute, int maxTracked) {
    this.limitPerMinute = limitPerMinute;
    this.maxTracked = maxTracked;
  }

  /** Records an attempt and says whether it is within the limit. */
  boolean tryAcquire(String address, long nowMillis) {
    if (windows.size() > maxTracked) {
      prune(nowMillis);
    }
    Window w =
        windows.compute(
            address,
            (k, old) ->
                old == null || nowMillis - old.start() >= WINDOW_MILLIS
                    ? new Window(nowMillis, 1)
                    : new Window(old.start(), old.count() + 1));
    return w.count() <= limitPerMinute;
  }

  int tracked() {
    return windows.size();
  }

  private void prune(long nowMillis) {
    long last = lastPrune.get();
    if (nowMillis - last < PRUNE_EVERY_MILLIS || !lastPrune.compareAndSet(last, nowMillis)) {
      return;
    }
    windows.values().removeIf(w -> nowMillis - w.start() >= WINDOW_MILLIS);
    if (windows.size() > 2L * maxTracked) {
      windows.clear();
    }
  }
}
