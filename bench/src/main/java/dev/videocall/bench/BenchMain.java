package dev.videocall.bench;

import dev.videocall.contract.invite.InviteTokens;
import dev.videocall.contract.invite.SigningKeys;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * Runs the server-side benchmarks (scripts/bench is the one command): relay latency and throughput,
 * idle-connection density and start-up, each for our embedded stack and for peerjs-server, then
 * writes the tables (Markdown) and the latency chart (PNG).
 *
 * <p>Settings, all from the environment: BENCH_PAIRS (default 100,1000,5000), BENCH_WARMUP_SECONDS (10),
 * BENCH_MEASURE_SECONDS (15), BENCH_PERIOD_SECONDS (1), BENCH_DENSITY_STEPS (5000,10000,15000),
 * BENCH_STARTUP_RUNS (5), BENCH_CLOUD_PAIRS (2), BENCH_SECTIONS (relay,density,startup,cloud),
 * BENCH_OUT (docs/benchmarks). The cloud section needs the emulators (PUBSUB_EMULATOR_HOST,
 * FIRESTORE_EMULATOR_HOST) and the jars a build leaves in this repository (emulated-cloud/Deployables).
 */
public final class BenchMain {
  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> env = System.getenv();
    Path root = Path.of(env.getOrDefault("BENCH_ROOT", ".")).toAbsolutePath().normalize();
    Path out = root.resolve(env.getOrDefault("BENCH_OUT", "docs/benchmarks"));
    Path logs = root.resolve("bench/target/logs");
    Files.createDirectories(out);
    List<Integer> pairCounts = ints(env.getOrDefault("BENCH_PAIRS", "100,1000,5000"));
    int warmup = Integer.parseInt(env.getOrDefault("BENCH_WARMUP_SECONDS", "10"));
    int measure = Integer.parseInt(env.getOrDefault("BENCH_MEASURE_SECONDS", "15"));
    long period = Math.round(1000 * Double.parseDouble(env.getOrDefault("BENCH_PERIOD_SECONDS", "1")));
    int[] steps = ints(env.getOrDefault("BENCH_DENSITY_STEPS", "5000,10000,15000")).stream().mapToInt(Integer::intValue).toArray();
    int startupRuns = Integer.parseInt(env.getOrDefault("BENCH_STARTUP_RUNS", "5"));
    List<String> sections = List.of(env.getOrDefault("BENCH_SECTIONS", "relay,density,startup,cloud").split(","));

    String keySpec = "bench:" + Base64.getEncoder().encodeToString(new SecureRandom().generateSeed(32));
    InviteTokens tokens = new InviteTokens(SigningKeys.parse(keySpec));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    Path localJar = root.resolve("local/target/videocall-local.jar");
    Path peerjsScript = root.resolve("bench/node/peerjs-server.mjs");

    Map<String, String> oursEnv = new HashMap<>();
    oursEnv.put("INVITE_SIGNING_KEYS", keySpec);
    // All bench sockets come from 127.0.0.1 and the closed-loop phase sends as fast as it can: lift the
    // per-address and per-connection limits (their checks still run on every upgrade and frame).
    oursEnv.put("MAX_CONNECTIONS", "30000");
    oursEnv.put("MAX_NEW_CONNECTIONS_PER_ADDRESS_PER_MINUTE", "100000000");
    oursEnv.put("FRAME_RATE_PER_SECOND", "1000000");
    oursEnv.put("FRAME_BURST", "1000000");

    double embeddedP50 = Double.NaN; // the embedded stack's p50 at the fewest pairs, for the cloud's hop shares
    Report report = new Report(out, LocalDate.now().toString(), machine());
    List<HttpClient> clients = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      clients.add(HttpClient.newBuilder().executor(Executors.newFixedThreadPool(2)).build());
    }

    if (sections.contains("relay") || sections.contains("density")) {
      int oursPort = ServerProcess.freePort();
      int peerPort = ServerProcess.freePort();
      int controlPort = ServerProcess.freePort();
      Map<String, String> withPort = new HashMap<>(oursEnv);
      withPort.put("PORT", Integer.toString(oursPort));
      Map<String, List<RelayRun.Result>> relay = new LinkedHashMap<>();
      List<RelayRun.Result> saturation = new ArrayList<>();
      List<DensityRun.Result> density = new ArrayList<>();
      try (ServerProcess ours = ServerProcess.start("videocall", List.of(java, "-jar", localJar.toString()), withPort, oursPort, logs).awaitHttp("/", 60);
          ServerProcess peer = ServerProcess.start("peerjs-server", List.of("node", "--expose-gc", peerjsScript.toString()),
              Map.of("PORT", Integer.toString(peerPort), "CONTROL_PORT", Integer.toString(controlPort)), peerPort, logs).awaitHttp("/", 60)) {
        Target[] targets = {new VideocallTarget(oursPort, tokens), new PeerjsTarget(peerPort)};
        boolean[] origins = {true, false};
        if (sections.contains("relay")) {
          for (int t = 0; t < targets.length; t++) {
            Pairs opener = new Pairs(targets[t], clients, origins[t]);
            List<RelayRun.Result> results = new ArrayList<>();
            for (int pairs : pairCounts) {
              List<Pairs.Pair> open = opener.open(pairs);
              RelayRun.Result r = new RelayRun(targets[t], open, period).run(warmup, measure);
              print(r);
              results.add(r);
              if (pairs == 1000 || pairCounts.size() == 1) {
                RelayRun.Result closed = new RelayRun(targets[t], open, 0).run(warmup, measure);
                print(closed);
                saturation.add(closed);
              }
              Pairs.closeAll(open);
              Thread.sleep(2000);
            }
            relay.put(targets[t].name(), results);
            if (t == 0) {
              embeddedP50 = results.get(0).millis(50);
            }
          }
          report.relay(relay, saturation);
          LatencyChart.write(relay, "Relay latency, send to peer's receive (" + period + " ms between a pair's rounds)", out.resolve("relay-latency.png"));
        }
        if (sections.contains("density")) {
          HttpClient control = HttpClient.newHttpClient();
          density.add(DensityRun.run(targets[0], new Pairs(targets[0], clients, true), ours,
              () -> run(List.of(jcmd, Long.toString(ours.pid()), "GC.run")), steps));
          density.add(DensityRun.run(targets[1], new Pairs(targets[1], clients, false), peer,
              () -> control.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + controlPort + "/gc")).build(),
                  HttpResponse.BodyHandlers.discarding()), steps));
          report.density(density);
        }
      }
    }

    if (sections.contains("cloud")) {
      int cloudPairs = Integer.parseInt(env.getOrDefault("BENCH_CLOUD_PAIRS", "2"));
      CloudRun.Result cloud = CloudRun.run(cloudPairs, period, warmup, measure, startupRuns, root);
      print(cloud.relay());
      System.out.printf("cloud hops: router per push p50 %.3f ms, Firestore per frame p50 %.3f ms%n",
          cloud.functionNanos().getValueAtPercentile(50) / 1e6, cloud.firestoreNanos().getValueAtPercentile(50) / 1e6);
      report.cloud(cloud, embeddedP50);
      report.startup("Start-up of the router function: invoker launch → first offer relayed through it (emulated cloud)", cloud.functionStartup());
    }

    if (sections.contains("startup")) {
      Path jsa = root.resolve("bench/target/videocall-local.jsa");
      Files.deleteIfExists(jsa);
      Map<String, List<String>> variants = StartupRun.jvmOptionVariants(jsa);
      List<StartupRun.Result> startup = new ArrayList<>();
      for (Map.Entry<String, List<String>> v : variants.entrySet()) {
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(v.getValue());
        command.addAll(List.of("-jar", localJar.toString()));
        if (StartupRun.writesArchive(v.getKey())) {
          StartupRun.run(v.getKey() + " (archive written)", command, oursEnv, p -> new VideocallTarget(p, tokens), 1, logs);
        }
        StartupRun.Result r = StartupRun.run(v.getKey(), command, oursEnv, p -> new VideocallTarget(p, tokens),
            startupRuns, logs);
        StartupRun.print("start-up", r);
        startup.add(r);
      }
      report.startup("Start-up of the embedded stack (gateway + core): JVM launch → first relayed offer", startup);
    }
    report.write();
    System.out.println("wrote " + out.resolve("results.md"));
    System.exit(0);
  }

  private static void print(RelayRun.Result r) {
    System.out.printf("relay %-14s %-16s %,6d pairs: p50 %7.3f ms  p99 %7.3f ms  p99.9 %7.3f ms  max %8.3f ms  %,9.0f msg/s  unexpected %d%n",
        r.target(), r.mode(), r.pairs(), r.millis(50), r.millis(99), r.millis(99.9), r.latencyNanos().getMaxValue() / 1e6,
        r.messagesPerSecond(), r.unexpectedFrames());
  }

  private static void run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException(command + " exited with " + p.exitValue());
    }
  }

  private static List<Integer> ints(String csv) {
    List<Integer> out = new ArrayList<>();
    for (String s : csv.split(",")) {
      out.add(Integer.parseInt(s.trim()));
    }
    return out;
  }

  /** CPU model and count, memory, OS, JVM and Node versions, for the results' header. */
  private static String machine() {
    String cpu = "unknown CPU";
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          cpu = line.substring(line.indexOf(':') + 1).trim();
          break;
        }
      }
    } catch (Exception ignored) {
      // not Linux; the rest still says something
    }
    String node = "?";
    try {
      Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
      node = new String(p.getInputStream().readAllBytes()).trim();
    } catch (Exception ignored) {
      // no node: the peerjs side will fail loudly anyway
    }
    long memGib = Math.round(((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getTotalMemorySize() / (1024.0 * 1024 * 1024));
    return String.format("%s, %d cores, %d GiB RAM, %s %s, Java %s, Node %s", cpu, Runtime.getRuntime().availableProcessors(), memGib,
        System.getProperty("os.name"), System.getProperty("os.version"), System.getProperty("java.version"), node);
  }
}
