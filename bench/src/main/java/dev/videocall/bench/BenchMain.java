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
 * <p>Settings, all from the environment: BENCH_PAIRS (default 100,300,1000), BENCH_WARMUP_SECONDS (10),
 * BENCH_MEASURE_SECONDS (15), BENCH_PERIOD_SECONDS (1), BENCH_DENSITY_STEPS (1000,3000: idle sockets at the
 * two points, after the server once held the larger number), BENCH_TAIL_PAIRS (1000), BENCH_TAIL_RUNS (3),
 * BENCH_STARTUP_RUNS (5), BENCH_CLOUD_PAIRS (2), BENCH_SECTIONS (relay,join,alloc,tail,density,startup,cloud), BENCH_ALLOC_PAIRS (300),
 * BENCH_JOIN_PAIRS (1000), BENCH_JOIN_SPREAD_MS (2000: the pairs of the connect-and-join section start over it), BENCH_JOIN_RUNS (5),
 * BENCH_JOIN_WARMUP (5: unmeasured rounds first, every variant once each, so both servers' connect paths are compiled),
 * BENCH_PIN (1:0, the server's CPU and the load generator's; "none" runs both unpinned), BENCH_DEFLATE (1: the
 * load generator offers permessage-deflate as browsers do; 0 does not), BENCH_LOAD (go: the latency sections'
 * load generator, bench/go; node: bench/node/relay-load.mjs, for comparison; the idle sockets always use Node's),
 * BENCH_OUT (docs/benchmarks). The cloud section needs the emulators (PUBSUB_EMULATOR_HOST,
 * FIRESTORE_EMULATOR_HOST) and the jars a build leaves in this repository (emulated-cloud/Deployables).
 */
public final class BenchMain {
  /** What the sections ask our server to relay before it opens its port (LocalConfig, RelayWarmUp). */
  private static final String WARM_UP_MESSAGES = "20000";

  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> env = System.getenv();
    Path root = Path.of(env.getOrDefault("BENCH_ROOT", ".")).toAbsolutePath().normalize();
    Path out = root.resolve(env.getOrDefault("BENCH_OUT", "docs/benchmarks"));
    Path logs = root.resolve("bench/target/logs");
    Files.createDirectories(out);
    List<Integer> pairCounts = ints(env.getOrDefault("BENCH_PAIRS", "100,300,1000"));
    int warmup = Integer.parseInt(env.getOrDefault("BENCH_WARMUP_SECONDS", "10"));
    int measure = Integer.parseInt(env.getOrDefault("BENCH_MEASURE_SECONDS", "15"));
    long period = Math.round(1000 * Double.parseDouble(env.getOrDefault("BENCH_PERIOD_SECONDS", "1")));
    int startupRuns = Integer.parseInt(env.getOrDefault("BENCH_STARTUP_RUNS", "5"));
    List<String> sections = List.of(env.getOrDefault("BENCH_SECTIONS", "relay,join,alloc,tail,density,startup,cloud").split(","));

    String keySpec = "bench:" + Base64.getEncoder().encodeToString(new SecureRandom().generateSeed(32));
    InviteTokens tokens = new InviteTokens(SigningKeys.parse(keySpec));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    // BENCH_LOCAL_JAR measures another build of the embedded default (an older commit's, for a before/after).
    Path localJar = Path.of(env.getOrDefault("BENCH_LOCAL_JAR", root.resolve("local/target/videocall-local.jar").toString()));
    Path peerjsScript = root.resolve("bench/node/peerjs-server.mjs");

    Map<String, String> oursEnv = new HashMap<>();
    oursEnv.put("INVITE_SIGNING_KEYS", keySpec);
    // All bench sockets come from 127.0.0.1 and the closed-loop phase sends as fast as it can: lift the
    // per-address and per-connection limits (their checks still run on every upgrade and frame).
    oursEnv.put("MAX_CONNECTIONS", "30000");
    oursEnv.put("MAX_NEW_CONNECTIONS_PER_ADDRESS_PER_MINUTE", "100000000");
    oursEnv.put("FRAME_RATE_PER_SECOND", "1000000");
    oursEnv.put("FRAME_BURST", "1000000");
    // The connect-and-join section creates a thousand calls in two seconds from 127.0.0.1.
    oursEnv.put("CREATE_CALLS_PER_MINUTE", "100000000");
    oursEnv.put("CREATE_CALL_BURST", "1000000");
    // The relay compiled before the port opens (off by default: nobody else should wait for it), so
    // every section measures the relay rather than the JIT from its first second, as in earlier rounds.
    oursEnv.put("WARM_UP_MESSAGES", WARM_UP_MESSAGES);

    double embeddedP50 = Double.NaN; // the embedded stack's p50 at the fewest pairs, for the cloud's hop shares
    Report report = new Report(out, LocalDate.now().toString(), machine());

    // The server under test on one core, the load generator on the other (BENCH_PIN=none: unpinned).
    String pin = env.getOrDefault("BENCH_PIN", Runtime.getRuntime().availableProcessors() >= 2 ? "1:0" : "none");
    String serverCpu = pin.equals("none") ? null : pin.split(":")[0];
    String loadCpu = pin.equals("none") ? null : pin.split(":")[1];
    boolean deflate = !"0".equals(env.getOrDefault("BENCH_DEFLATE", "1"));
    // Latency is measured with the Go generator (no collector while it measures; BENCH_LOAD=node: the Node
    // one, for comparison), idle sockets with the Node one (a browser's permessage-deflate offer).
    boolean measuresLatency = sections.stream().anyMatch(List.of("relay", "join", "alloc", "tail")::contains);
    boolean goForLatency = measuresLatency && !"node".equals(env.get("BENCH_LOAD"));
    List<String> latencyLoad = goForLatency ? LoadGenerator.go(root) : LoadGenerator.node(root);
    List<String> densityLoad = LoadGenerator.node(root);
    Path work = root.resolve("bench/target/load");
    List<String> oursCommand = new ArrayList<>(List.of(java));
    oursCommand.addAll(EmbeddedOptions.read(root));
    oursCommand.addAll(List.of("-jar", localJar.toString()));
    List<String> peerCommand = List.of("node", "--expose-gc", peerjsScript.toString());
    System.out.printf("pinning: %s; the load generator offers permessage-deflate: %s; our JVM options: %s%n",
        serverCpu == null ? "none" : "server on CPU " + serverCpu + ", load generator on CPU " + loadCpu, deflate, EmbeddedOptions.read(root));
    report.method(serverCpu, loadCpu, deflate, EmbeddedOptions.read(root), WARM_UP_MESSAGES, goForLatency);

    Map<String, List<LoadGenerator.Relay>> relay = new LinkedHashMap<>();
    if (sections.contains("relay")) {
      int most = pairCounts.stream().mapToInt(Integer::intValue).max().orElseThrow();
      List<LoadGenerator.Relay> saturation = new ArrayList<>();
      try (Servers s = Servers.start(oursCommand, oursEnv, peerCommand, serverCpu, logs);
          LoadGenerator toOurs = LoadGenerator.start(latencyLoad, "videocall", s.ours.port, deflate, loadCpu, tokens, work);
          LoadGenerator toPeer = LoadGenerator.start(latencyLoad, "peerjs-server", s.peer.port, deflate, loadCpu, tokens, work)) {
        // One unmeasured run per server at the largest load, so neither is measured cold.
        for (LoadGenerator load : "1".equals(env.get("BENCH_ONLY_OURS")) ? List.of(toOurs) : List.of(toPeer, toOurs)) {
          load.open(2 * most);
          load.relay(period, warmup, 0);
          load.closeAll();
        }
        // peerjs-server before and after ours at each load: drift of the machine shows as a gap.
        for (int pairs : pairCounts) {
          // BENCH_ONLY_OURS=1 skips peerjs-server (for trying our options quickly; the reported run has both).
          List<String> order = "1".equals(env.get("BENCH_ONLY_OURS")) ? List.of("videocall")
              : List.of("peerjs-server (before)", "videocall", "peerjs-server (after)");
          for (String who : order) {
            LoadGenerator load = who.equals("videocall") ? toOurs : toPeer;
            load.open(2 * pairs);
            LoadGenerator.Relay r = named(who, load.relay(period, warmup, measure));
            print(r);
            relay.computeIfAbsent(who, k -> new ArrayList<>()).add(r);
            if (pairs == 1000 && !who.endsWith("(after)") && !"0".equals(env.get("BENCH_CLOSED_LOOP"))) {
              LoadGenerator.Relay closed = named(who.replace(" (before)", ""), load.relay(0, warmup, measure));
              print(closed);
              saturation.add(closed);
            }
            load.closeAll();
            Thread.sleep(2000);
          }
        }
      }
      report.relay(relay, saturation);
      LatencyChart.write(relay, "Relay latency, send to peer's receive (" + period + " ms between a pair's rounds)", out.resolve("relay-latency.png"));
      embeddedP50 = relay.get("videocall").get(0).p50();
    }

    if (sections.contains("join")) {
      // Pairs that connect, join and signal while later pairs still connect; the guard rails beside the steady state.
      int joinPairs = Integer.parseInt(env.getOrDefault("BENCH_JOIN_PAIRS", "1000"));
      long spread = Long.parseLong(env.getOrDefault("BENCH_JOIN_SPREAD_MS", "2000"));
      int joinRuns = Integer.parseInt(env.getOrDefault("BENCH_JOIN_RUNS", "5"));
      int joinWarmup = Math.max(1, Integer.parseInt(env.getOrDefault("BENCH_JOIN_WARMUP", "5")));
      List<LoadGenerator.Join> joins = new ArrayList<>();
      List<LoadGenerator.Join> warmups = new ArrayList<>();
      try (Servers s = Servers.start(oursCommand, oursEnv, peerCommand, serverCpu, logs);
          LoadGenerator toOurs = LoadGenerator.start(latencyLoad, "videocall", s.ours.port, deflate, loadCpu, tokens, work);
          LoadGenerator toPeer = LoadGenerator.start(latencyLoad, "peerjs-server", s.peer.port, deflate, loadCpu, tokens, work)) {
        record Variant(LoadGenerator load, boolean createCalls) {}
        List<Variant> variants = new ArrayList<>(List.of(new Variant(toOurs, false), new Variant(toOurs, true)));
        if (!"1".equals(env.get("BENCH_ONLY_OURS"))) {
          variants.add(0, new Variant(toPeer, false));
        }
        // The first rounds are not measured: a JVM compiles its connect and join paths only after a few
        // thousand joins (docs/performance.md shows the runs going down one by one), and peerjs-server gets
        // the same rounds. They are reported beside the measured ones. Then the variants take turns,
        // each run starting with the next one, so that a drift of the machine does not favour one.
        for (int run = -joinWarmup; run < joinRuns; run++) {
          for (int k = 0; k < variants.size(); k++) {
            Variant v = variants.get((k + Math.max(run, 0)) % variants.size());
            LoadGenerator.Join r = v.load().join(joinPairs, spread, v.createCalls());
            print(r);
            (run >= 0 ? joins : warmups).add(r);
            Thread.sleep(2000);
          }
        }
      }
      report.join(joins, warmups, joinPairs, spread, relay.isEmpty() ? null : relay);
    }

    if (sections.contains("alloc")) {
      // The cloud gateway's cost per frame on the way to Pub/Sub (in this JVM, one thread).
      dev.videocall.gateway.gcp.IngressCost.Result ingress = dev.videocall.gateway.gcp.IngressCost.measure(20_000, 50_000);
      System.out.printf("cloud ingress: %,.0f bytes and %,.0f ns per frame (envelope, packing, Pub/Sub message)%n",
          ingress.bytesPerFrame(), ingress.nanosPerFrame());
      report.ingress(ingress);
      // Allocation per relayed message in our server, at a load where it is not saturated.
      int allocPairs = Integer.parseInt(env.getOrDefault("BENCH_ALLOC_PAIRS", "300"));
      try (Servers s = Servers.start(oursCommand, oursEnv, peerCommand, serverCpu, logs);
          LoadGenerator toOurs = LoadGenerator.start(latencyLoad, "videocall", s.ours.port, deflate, loadCpu, tokens, work)) {
        AllocRun.Result a = AllocRun.run(toOurs, s.ours, Path.of(System.getProperty("java.home"), "bin"), work, allocPairs, period, warmup, measure);
        System.out.printf("allocation: %,d pairs, %,.0f messages/s, %,.0f bytes/s, %,.0f bytes per relayed message%n%s%n", a.pairs(),
            a.messages() / a.seconds(), a.bytesPerSecond(), a.perMessage(), a.sites());
        report.allocation(a);
      }
    }

    if (sections.contains("tail")) {
      // A server just started, 1,000 pairs at once: the first seconds are JIT warm-up and class loading.
      int tailPairs = Integer.parseInt(env.getOrDefault("BENCH_TAIL_PAIRS", "1000"));
      int tailRuns = Integer.parseInt(env.getOrDefault("BENCH_TAIL_RUNS", "3"));
      Map<String, List<List<LoadGenerator.Relay>>> tail = new LinkedHashMap<>();
      writeArchiveIfAny(oursCommand, oursEnv, logs, serverCpu);
      for (int run = 0; run < tailRuns; run++) {
        for (String who : "1".equals(env.get("BENCH_ONLY_OURS")) ? List.of("videocall") : List.of("videocall", "peerjs-server")) {
          boolean ours = who.equals("videocall");
          int port = ServerProcess.freePort();
          Map<String, String> serverEnv = new HashMap<>(ours ? oursEnv : Map.of());
          serverEnv.put("PORT", Integer.toString(port));
          try (ServerProcess server = ServerProcess.start("tail-" + who, ours ? oursCommand : peerCommand, serverEnv, port, logs, serverCpu)
                  .awaitHttp("/", 60);
              LoadGenerator load = LoadGenerator.start(latencyLoad, who, port, deflate, loadCpu, tokens, work)) {
            load.open(2 * tailPairs);
            List<LoadGenerator.Relay> windows = load.startup(period, 10, 2);
            windows.forEach(BenchMain::print);
            tail.computeIfAbsent(who, k -> new ArrayList<>()).add(windows);
          }
        }
      }
      report.startupTail(tail);
    }

    if (sections.contains("density")) {
      String[] lowHigh = env.getOrDefault("BENCH_DENSITY_STEPS", "1000,3000").split(",");
      int low = Integer.parseInt(lowHigh[0].trim());
      int high = Integer.parseInt(lowHigh[1].trim());
      List<DensityRun.Result> density = new ArrayList<>();
      // Ours tracks its native memory here (only here: the tracking costs a little on every malloc).
      List<String> trackedOurs = new ArrayList<>(oursCommand);
      trackedOurs.add(1, DensityRun.TRACK_NATIVE_MEMORY);
      try (Servers s = Servers.start(trackedOurs, oursEnv, peerCommand, serverCpu, logs);
          LoadGenerator toOurs = LoadGenerator.start(densityLoad, "videocall", s.ours.port, deflate, loadCpu, tokens, work);
          LoadGenerator toPeer = LoadGenerator.start(densityLoad, "peerjs-server", s.peer.port, deflate, loadCpu, tokens, work)) {
        density.add(DensityRun.run("videocall", toOurs, s.ours, DensityRun.jvm(jcmd, s.ours.pid(), work), low, high));
        density.add(DensityRun.run("peerjs-server", toPeer, s.peer, DensityRun.node(s.controlPort), low, high));
      }
      report.density(density);
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
      // The JVM's defaults against what scripts/run uses (local/jvm.options), both started as
      // scripts/run starts them (no warm-up); then what the warm-up the other sections ask for costs.
      Map<String, String> coldEnv = new HashMap<>(oursEnv);
      coldEnv.remove("WARM_UP_MESSAGES");
      record Variant(List<String> options, Map<String, String> env) {}
      Map<String, Variant> variants = new LinkedHashMap<>();
      variants.put("JVM defaults", new Variant(List.of(), coldEnv));
      variants.put("local/jvm.options (scripts/run)", new Variant(EmbeddedOptions.read(root), coldEnv));
      variants.put("local/jvm.options, WARM_UP_MESSAGES=" + WARM_UP_MESSAGES + " (the other sections)",
          new Variant(EmbeddedOptions.read(root), oursEnv));
      Path archive = root.resolve("local/target/videocall-local.jsa");
      Files.deleteIfExists(archive);
      List<StartupRun.Result> startup = new ArrayList<>();
      for (Map.Entry<String, Variant> v : variants.entrySet()) {
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(v.getValue().options());
        command.addAll(List.of("-jar", localJar.toString()));
        Map<String, String> serverEnv = v.getValue().env();
        if (command.stream().anyMatch(o -> o.contains("AutoCreateSharedArchive")) && !Files.exists(archive)) {
          StartupRun.run(v.getKey() + " (archive written)", command, serverEnv, p -> new VideocallTarget(p, tokens), 1, logs);
        }
        StartupRun.Result r = StartupRun.run(v.getKey(), command, serverEnv, p -> new VideocallTarget(p, tokens),
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

  /**
   * With class data sharing in the options, scripts/run's first start writes the archive (at exit):
   * do the same once, uncounted, so the measured starts are the ones a user has from the second on.
   */
  private static void writeArchiveIfAny(List<String> command, Map<String, String> env, Path logs, String cpu) throws Exception {
    if (command.stream().noneMatch(o -> o.contains("AutoCreateSharedArchive"))) {
      return;
    }
    int port = ServerProcess.freePort();
    Map<String, String> withPort = new HashMap<>(env);
    withPort.put("PORT", Integer.toString(port));
    try (ServerProcess server = ServerProcess.start("write-archive", command, withPort, port, logs, cpu).awaitHttp("/", 60)) {
      Thread.sleep(1000);
    }
  }

  private static LoadGenerator.Relay named(String who, LoadGenerator.Relay r) {
    return new LoadGenerator.Relay(who, r.mode(), r.pairs(), r.count(), r.p50(), r.p90(), r.p99(), r.p999(), r.max(), r.messagesPerSecond(),
        r.unexpected(), r.deflate(), r.clientLoopDelayP99(), r.clientLoopDelayMax(), r.clientCpuShare(),
        r.clientCollections());
  }

  private static void print(LoadGenerator.Relay r) {
    System.out.printf("relay %-22s %-16s %,6d pairs: p50 %7.3f ms  p99 %7.3f ms  p99.9 %7.3f ms  max %8.3f ms  %,9.0f msg/s  "
            + "unexpected %d  deflate %s  client loop delay p99 %.1f ms, cpu %.0f%%, collections %.0f%n",
        r.target(), r.mode(), r.pairs(), r.p50(), r.p99(), r.p999(), r.max(), r.messagesPerSecond(), r.unexpected(), r.deflate(),
        r.clientLoopDelayP99(), 100 * r.clientCpuShare(), r.clientCollections());
  }

  /** Our embedded stack and peerjs-server, each in its own process (pinned to {@code cpu} when given). */
  private record Servers(ServerProcess ours, ServerProcess peer, int controlPort) implements AutoCloseable {
    static Servers start(List<String> oursCommand, Map<String, String> oursEnv, List<String> peerCommand, String cpu, Path logs)
        throws Exception {
      int oursPort = ServerProcess.freePort();
      int peerPort = ServerProcess.freePort();
      int controlPort = ServerProcess.freePort();
      Map<String, String> withPort = new HashMap<>(oursEnv);
      withPort.put("PORT", Integer.toString(oursPort));
      ServerProcess ours = ServerProcess.start("videocall", oursCommand, withPort, oursPort, logs, cpu).awaitHttp("/", 60);
      try {
        ServerProcess peer = ServerProcess.start("peerjs-server", peerCommand,
            Map.of("PORT", Integer.toString(peerPort), "CONTROL_PORT", Integer.toString(controlPort)), peerPort, logs, cpu).awaitHttp("/", 60);
        return new Servers(ours, peer, controlPort);
      } catch (Exception | Error e) {
        // Ours must not outlive a run that could not start peerjs-server (it kept a core busy afterwards).
        ours.close();
        throw e;
      }
    }

    @Override
    public void close() throws InterruptedException {
      ours.close();
      peer.close();
    }
  }

  private static void print(LoadGenerator.Join r) {
    System.out.printf("join  %-14s %-29s %,6d pairs: p50 %7.3f ms  p99 %7.3f ms  p99.9 %7.3f ms  max %8.3f ms  while starting p99 %7.3f ms  "
            + "messages %,d of %,d  connect p99 %.1f ms  create p99 %.1f ms  ready p99 %.1f ms  failed pairs %d  unexpected %d  "
            + "client loop delay p99 %.1f ms, cpu %.0f%%, collections %.0f%s%n",
        r.target(), r.variant(), r.pairs(), r.latency().p50(), r.latency().p99(), r.latency().p999(), r.latency().max(), r.whileStarting().p99(),
        r.latency().count(), r.expected(), r.connect().p99(), r.create().p99(), r.ready().p99(), r.failedPairs(), r.unexpected(),
        r.clientLoopDelayP99(), 100 * r.clientCpuShare(), r.clientCollections(), r.firstError() == null ? "" : "  first error: " + r.firstError());
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
