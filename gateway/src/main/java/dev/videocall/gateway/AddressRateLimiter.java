package dev.videocall.gateway;

import dev.videocall.contract.BoundedTable;

/**
 * Counts new connections per client address in fixed one-minute windows, in a bounded table: a
 * window that has ended is as good as none. The limit is a courtesy against one noisy client, and
 * memory must stay bounded whatever arrives (see {@link BoundedTable}).
 */
final class AddressRateLimiter {
  private static final long WINDOW_MILLIS = 60_000;
  private static final long PRUNE_EVERY_MILLIS = 1_000;
  static final int DEFAULT_MAX_TRACKED_ADDRESSES = 100_000;

  private record Window(long start, int count) {}

  private final int limitPerMinute;
  private final BoundedTable<Window> windows;

  AddressRateLimiter(int limitPerMinute) {
    this(limitPerMinute, DEFAULT_MAX_TRACKED_ADDRESSES);
  }

  AddressRateLimiter(int limitPerMinute, int maxTracked) {
    this.limitPerMinute = limitPerMinute;
    this.windows = new BoundedTable<>(maxTracked, PRUNE_EVERY_MILLIS, (w, now) -> now - w.start() >= WINDOW_MILLIS);
  }

  /** Records an attempt and says whether it is within the limit. */
  boolean tryAcquire(String address, long nowMillis) {
    Window w =
        windows.compute(
            address,
            (k, old) ->
                old == null || nowMillis - old.start() >= WINDOW_MILLIS
                    ? new Window(nowMillis, 1)
                    : new Window(old.start(), old.count() + 1),
            nowMillis);
    return w.count() <= limitPerMinute;
  }

  int tracked() {
    return windows.size();
  }
}
