package dev.videocall.bench;

/** One relay measurement as the chart plots it: a latency percentile at a number of pairs. */
interface LatencyPoint {
  int pairs();

  double millis(double percentile);
}
