package dev.videocall.bench;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Bytes our server allocates per relayed message: a JFR recording ({@code settings=profile}, with
 * {@code jdk.ThreadAllocationStatistics} every second) runs in the server while the paced relay is
 * measured. Each second JFR reads every thread's allocation counter; the sum over threads of the
 * growth between the first and the last reading, over the time between them, is the server's
 * allocation rate, and that rate over the rate of messages the load generator received is the figure.
 * The recording's {@code allocation-by-site} view (sampled) says where it goes.
 */
final class AllocRun {
  record Result(int pairs, long messages, double seconds, double bytesPerSecond, String sites) {
    double perMessage() {
      return bytesPerSecond / (messages / seconds);
    }
  }

  static Result run(LoadGenerator load, ServerProcess server, Path jdkBin, Path work, int pairs, long period, int warmup, int measure)
      throws Exception {
    String jcmd = jdkBin.resolve("jcmd").toString();
    Path jfr = work.resolve("alloc-" + server.pid() + ".jfr").toAbsolutePath();
    Files.deleteIfExists(jfr);
    load.open(2 * pairs);
    CompletableFuture<LoadGenerator.Relay> relay = CompletableFuture.supplyAsync(() -> {
      try {
        return load.relay(period, warmup, measure);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    Thread.sleep(warmup * 1000L);
    ServerProcess.command(List.of(jcmd, Long.toString(server.pid()), "JFR.start", "name=alloc", "settings=profile",
        "jdk.ThreadAllocationStatistics#period=1s"));
    Thread.sleep(measure * 1000L);
    ServerProcess.command(List.of(jcmd, Long.toString(server.pid()), "JFR.stop", "name=alloc", "filename=" + jfr));
    LoadGenerator.Relay r = relay.get();
    load.closeAll();
    String json = String.join("\n", ServerProcess.command(List.of(jdkBin.resolve("jfr").toString(), "print", "--json", "--events", "jdk.ThreadAllocationStatistics", jfr.toString())));
    Map<Long, long[]> byThread = new HashMap<>(); // thread id → first, last
    java.time.Instant first = null;
    java.time.Instant last = null;
    for (JsonElement e : JsonParser.parseString(json).getAsJsonObject().getAsJsonObject("recording").getAsJsonArray("events")) {
      JsonObject values = e.getAsJsonObject().getAsJsonObject("values");
      java.time.Instant at = java.time.Instant.parse(values.get("startTime").getAsString());
      first = first == null || at.isBefore(first) ? at : first;
      last = last == null || at.isAfter(last) ? at : last;
      long thread = values.getAsJsonObject("thread").get("javaThreadId").getAsLong();
      long allocated = values.get("allocated").getAsLong();
      byThread.merge(thread, new long[] {allocated, allocated}, (a, b) -> new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
    }
    long bytes = byThread.values().stream().mapToLong(v -> v[1] - v[0]).sum();
    double span = java.time.Duration.between(first, last).toNanos() / 1e9;
    List<String> view = ServerProcess.command(List.of(jdkBin.resolve("jfr").toString(), "view", "--width", "160", "allocation-by-site", jfr.toString()));
    String sites = String.join("\n", view.subList(0, Math.min(view.size(), 20)));
    return new Result(pairs, r.count(), measure, bytes / span, sites);
  }
}
