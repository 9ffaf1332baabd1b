package dev.videocall.bench;

import dev.videocall.bench.Pairs.Pair;
import java.util.ArrayList;
import java.util.List;

/**
 * Resident memory of a server against open idle WebSockets: joined pairs that send nothing. Memory
 * is read after the server has run a full GC; the slope between the first and last step is the cost
 * of one more idle connection.
 */
final class DensityRun {
  record Point(int connections, long residentKib) {}

  record Result(String target, List<Point> points) {
    /** Bytes per idle connection between the first and last point. */
    double slopeBytes() {
      Point first = points.get(0);
      Point last = points.get(points.size() - 1);
      return (last.residentKib() - first.residentKib()) * 1024.0 / (last.connections() - first.connections());
    }
  }

  interface Gc {
    void fullGc() throws Exception;
  }

  static Result run(Target target, Pairs opener, ServerProcess server, Gc gc, int[] connectionSteps) throws Exception {
    List<Pair> open = new ArrayList<>();
    List<Point> points = new ArrayList<>();
    try {
      for (int step : connectionSteps) {
        open.addAll(opener.open(step / 2 - open.size()));
        Thread.sleep(2000); // let the accept bursts settle
        gc.fullGc();
        Thread.sleep(1000);
        points.add(new Point(open.size() * 2, server.residentKib()));
        System.out.printf("  %s: %,d idle connections, resident %,d KiB%n", target.name(), open.size() * 2, points.get(points.size() - 1).residentKib());
      }
    } finally {
      Pairs.closeAll(open);
    }
    return new Result(target.name(), points);
  }
}
