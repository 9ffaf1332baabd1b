package dev.videocall.bench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

/**
 * Memory of a server against open idle WebSockets: joined pairs that then send nothing, opened by the
 * Node load generator (offering permessage-deflate as browsers do, unless BENCH_DEFLATE=0). The server
 * first holds the larger number once and drops it, so what a pool or arena keeps after a busy spell is
 * in both points; then it holds the smaller number and the larger. At each point, after 2 s of quiet,
 * the server runs a full collection and we read its live heap, its native memory (our JVM: Native
 * Memory Tracking's committed memory outside the Java heap and the JIT's) and its resident set; the slopes between
 * the two points are the cost of one more idle connection.
 */
final class DensityRun {
  /**
   * Live heap after a full collection; native memory outside the heap (-1 where not known); resident
   * set after it (and, for the JVM, malloc_trim).
   */
  record Point(int connections, long heapBytes, long nativeBytes, long residentKib) {}

  /** What a probe reads after its full collection. */
  record Reading(long heapBytes, long nativeBytes) {}

  record Result(String target, Point low, Point high) {
    double heapSlopeBytes() {
      return (double) (high.heapBytes() - low.heapBytes()) / (high.connections() - low.connections());
    }

    /** NaN where the server's native memory is not known apart from its heap. */
    double nativeSlopeBytes() {
      if (low.nativeBytes() < 0 || high.nativeBytes() < 0) {
        return Double.NaN;
      }
      return (double) (high.nativeBytes() - low.nativeBytes()) / (high.connections() - low.connections());
    }

    double residentSlopeBytes() {
      return (high.residentKib() - low.residentKib()) * 1024.0 / (high.connections() - low.connections());
    }
  }

  /** Runs a full collection in the server and reads its live heap (and native memory if it can). */
  interface Probe {
    Reading fullGcThenRead() throws Exception;
  }

  /**
   * Our JVM: {@code jcmd GC.class_histogram} runs a full collection and totals the live objects;
   * {@code System.trim_native_heap} then hands freed malloc memory back (glibc malloc_trim).
   */
  private static final String FILLER = "[Ljdk.internal.vm.FillerElement;";

  static Probe jvm(String jcmd, long pid, java.nio.file.Path histograms) {
    int[] n = {0};
    return () -> {
      long heap = -1;
      List<String> histogram = ServerProcess.command(List.of(jcmd, Long.toString(pid), "GC.class_histogram"));
      // Kept beside the results (bench/target/load): diff two to see what one more connection holds.
      java.nio.file.Files.write(histograms.resolve("histogram-" + pid + "-" + n[0]++ + ".txt"), histogram);
      for (String line : histogram) {
        if (line.startsWith("Total")) {
          String[] f = line.trim().split("\\s+");
          heap = Long.parseLong(f[f.length - 1]);
        }
      }
      // The JDK lists the heap's filler arrays (dead space kept walkable, often about 18 MB of it)
      // among the classes and in the total; they are not live objects, and whether they are there
      // changes from one histogram to the next, so they are taken out.
      for (String line : histogram) {
        if (line.contains(FILLER)) {
          String[] f = line.trim().split("\\s+");
          heap -= Long.parseLong(f[2]);
        }
      }
      ServerProcess.command(List.of(jcmd, Long.toString(pid), "System.trim_native_heap"));
      List<String> nativeMemory = ServerProcess.command(List.of(jcmd, Long.toString(pid), "VM.native_memory", "summary", "scale=b"));
      // Kept too: diff two to see which of the JVM's native categories grew.
      java.nio.file.Files.write(histograms.resolve("native-memory-" + pid + "-" + (n[0] - 1) + ".txt"), nativeMemory);
      return new Reading(heap, nativeOutsideHeap(nativeMemory));
    };
  }

  /** The JVM option that has it track its native memory (for {@link #nativeOutsideHeap}). */
  static final String TRACK_NATIVE_MEMORY = "-XX:NativeMemoryTracking=summary";

  /**
   * The JIT's native memory: compiled code, the compiler's own and the arena chunks it works in. It
   * grows and shrinks as methods compile and the chunk pool is trimmed (megabytes between two
   * readings), not with connections, so it is left out of the per-connection figure.
   */
  static final java.util.Set<String> JIT = java.util.Set.of("Code", "Compiler", "Arena Chunk");

  /** A category's line of the summary: "-  Name (reserved=N, committed=M)". */
  private static final java.util.regex.Pattern CATEGORY = java.util.regex.Pattern.compile("^-\\s+(.+?) \\(reserved=\\d+, committed=(\\d+)");
  private static final java.util.regex.Pattern COMMITTED = java.util.regex.Pattern.compile("committed=(\\d+)");

  /**
   * From {@code jcmd VM.native_memory summary scale=b}: committed memory in total, less the Java
   * heap's (measured live, above), the tracking's own and the JIT's; -1 if the JVM does not track it.
   */
  static long nativeOutsideHeap(List<String> summary) {
    long total = -1;
    long leftOut = 0;
    for (String line : summary) {
      String l = line.trim();
      if (l.startsWith("Total:")) {
        total = committed(l);
        continue;
      }
      java.util.regex.Matcher m = CATEGORY.matcher(l);
      if (m.find()) {
        String name = m.group(1).trim();
        if (name.equals("Java Heap") || name.equals("Native Memory Tracking") || JIT.contains(name)) {
          leftOut += Long.parseLong(m.group(2));
        }
      }
    }
    return total < 0 ? -1 : total - leftOut;
  }

  private static long committed(String line) {
    java.util.regex.Matcher m = COMMITTED.matcher(line);
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }

  /** peerjs-server: its control port runs {@code global.gc()} and reports V8's used heap. */
  static Probe node(int controlPort) {
    HttpClient http = HttpClient.newHttpClient();
    return () -> {
      String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + controlPort + "/gc")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      JsonObject o = JsonParser.parseString(body).getAsJsonObject();
      return new Reading(o.get("heapUsed").getAsLong() + o.get("external").getAsLong(), -1);
    };
  }

  static Result run(String target, LoadGenerator load, ServerProcess server, Probe probe, int low, int high) throws Exception {
    load.open(high);
    Thread.sleep(2000);
    load.closeAll();
    Thread.sleep(2000);
    Point lowPoint = point(target, load, server, probe, low);
    Point highPoint = point(target, load, server, probe, high);
    load.closeAll();
    return new Result(target, lowPoint, highPoint);
  }

  private static Point point(String target, LoadGenerator load, ServerProcess server, Probe probe, int connections) throws Exception {
    int open = load.open(connections);
    Thread.sleep(2000); // let the accept bursts settle
    probe.fullGcThenRead();
    Reading reading = probe.fullGcThenRead();
    Thread.sleep(1000);
    Point p = new Point(open, reading.heapBytes(), reading.nativeBytes(), server.residentKib());
    System.out.printf("  %s: %,d idle connections, live heap %,d KiB, native outside the heap %s, resident %,d KiB%n", target, open,
        p.heapBytes() / 1024, p.nativeBytes() < 0 ? "not tracked" : String.format("%,d KiB", p.nativeBytes() / 1024), p.residentKib());
    return p;
  }
}
