package dev.videocall.local;

/**
 * Tells from the JIT's accumulated compile time, read once per window of steady traffic, when the
 * compilers have caught up with it. While the queue of methods waiting for the optimising compiler is
 * long, the JVM raises the bar for queueing more (its load feedback), so a relay can run thousands of
 * messages with its hottest methods still in the slow profiling tier; what ends a warm-up is then not a
 * message count but a window in which the compilers had little left to do.
 */
final class JitSettling {
  private final long quietMillis;
  private final int quietWindowsNeeded;
  private long lastTotal = -1;
  private int quietWindows;

  /**
   * @param quietMillis compile time within one window that still counts as quiet
   * @param quietWindowsNeeded quiet windows in a row that make the JIT settled: the total grows only
   *     when a compilation ends, so one long compilation can hide behind a single quiet window
   */
  JitSettling(long quietMillis, int quietWindowsNeeded) {
    if (quietMillis < 0 || quietWindowsNeeded < 1) {
      throw new IllegalArgumentException("need a quiet allowance >= 0 and at least one window: " + quietMillis + ", " + quietWindowsNeeded);
    }
    this.quietMillis = quietMillis;
    this.quietWindowsNeeded = quietWindowsNeeded;
  }

  /**
   * Takes the JVM's total compile time at the end of a window; true once enough windows in a row
   * compiled for no more than the quiet allowance each. The first reading only sets the start.
   */
  boolean settledAfter(long totalCompileMillis) {
    long previous = lastTotal;
    lastTotal = totalCompileMillis;
    boolean quiet = previous >= 0 && totalCompileMillis - previous <= quietMillis;
    quietWindows = quiet ? quietWindows + 1 : 0;
    return quietWindows >= quietWindowsNeeded;
  }
}
