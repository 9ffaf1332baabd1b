package dev.videocall.gateway;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts new connections per client address in fixed one-minute windows. The table is bounded: when
 * it grows past its cap, windows that have ended are dropped.
 */
final class AddressRateLimiter {
  private static final long WINDOW_MILLIS = 60_000;
  private static final int MAX_TRACKED_ADDRESSES = 100_000;

  private record Window(long start, int count) {}

  private final int limitPerMinute;
  private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

  AddressRateLimiter(int limitPerMinute) {
    this.limitPerMinute = limitPerMinute;
  }

  /** Records an attempt and says whether it is within the limit. */
  boolean tryAcquire(String address, long nowMillis) {
    if (windows.size() > MAX_TRACKED_ADDRESSES) {
      windows.values().removeIf(w -> nowMillis - w.start() >= WINDOW_MILLIS);
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
}
