package dev.videocall.bench;

import dev.videocall.bench.Pairs.Pair;
import dev.videocall.bench.Target.Kind;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * Time from launching a server process to the first offer it relays between two joined sockets:
 * what a person waiting on a cold Cloud Run instance feels, minus the platform's own start.
 */
final class StartupRun {
  record Result(String variant, List<Long> millis) {
    long median() {
      List<Long> sorted = new ArrayList<>(millis);
      sorted.sort(null);
      return sorted.get(sorted.size() / 2);
    }

    long min() {
      return millis.stream().mapToLong(Long::longValue).min().orElseThrow();
    }
  }

  static Result run(
      String variant,
      List<String> command,
      Map<String, String> env,
      IntFunction<Target> targetOnPort,
      int runs,
      Path logDir)
      throws Exception {
    List<Long> millis = new ArrayList<>();
    HttpClient http = HttpClient.newHttpClient();
    for (int run = 0; run < runs; run++) {
      int port = ServerProcess.freePort();
      Map<String, String> withPort = new java.util.HashMap<>(env);
      withPort.put("PORT", Integer.toString(port));
      try (ServerProcess server = ServerProcess.start("startup-" + variant.replaceAll("[^a-z0-9]+", "-"), command, withPort, port, logDir)) {
        Target target = targetOnPort.apply(port);
        Pair pair = openWhenUp(new Pairs(target, List.of(http), true), server);
        relayOneOffer(target, pair);
        millis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - server.startedNanos));
      }
    }
    return new Result(variant, millis);
  }

  /**
   * The JVM option sets compared, by name. With {@code -XX:+AutoCreateSharedArchive} the first run
   * writes {@code archive}; callers run each {@link #writesArchive} variant once uncounted first.
   */
  static Map<String, List<String>> jvmOptionVariants(Path archive) {
    Map<String, List<String>> variants = new java.util.LinkedHashMap<>();
    List<String> cds = List.of("-XX:SharedArchiveFile=" + archive, "-XX:+AutoCreateSharedArchive");
    variants.put("default", List.of());
    variants.put("-XX:TieredStopAtLevel=1", List.of("-XX:TieredStopAtLevel=1"));
    variants.put("CDS archive", cds);
    List<String> both = new ArrayList<>(cds);
    both.add("-XX:TieredStopAtLevel=1");
    variants.put("CDS archive + TieredStopAtLevel=1", both);
    return variants;
  }

  static boolean writesArchive(String variant) {
    return variant.startsWith("CDS");
  }

  /** Sends one offer from a to b over a joined pair, waits until b has it, then drops both sockets. */
  static void relayOneOffer(Target target, Pair pair) throws Exception {
    CompletableFuture<Void> relayed = new CompletableFuture<>();
    pair.b().onFrame(f -> {
      if (f.contains("@Tstartup")) {
        relayed.complete(null);
      }
    });
    pair.a().send(() -> target.frame(Kind.OFFER, pair.aName(), pair.bName(), "@Tstartup@ v=0"));
    relayed.get(60, TimeUnit.SECONDS);
    pair.a().abort();
    pair.b().abort();
  }

  static void print(String what, Result r) {
    System.out.printf("%s %-36s median %5d ms  min %5d ms  runs %s%n", what, r.variant(), r.median(), r.min(), r.millis());
  }

  /** Retries the first connection every 5 ms until the server accepts it, as a waiting browser would. */
  private static Pair openWhenUp(Pairs pairs, ServerProcess server) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        return pairs.open(1).get(0);
      } catch (IllegalStateException notYet) {
        if (!server.process.isAlive() || System.nanoTime() > deadline) {
          throw notYet;
        }
        Thread.sleep(5);
      }
    }
  }
}
