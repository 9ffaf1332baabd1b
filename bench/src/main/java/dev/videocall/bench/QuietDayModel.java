package dev.videocall.bench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.videocall.contract.invite.InviteTokens;
import dev.videocall.contract.invite.SigningKeys;
import dev.videocall.core.CoreConfig;
import dev.videocall.emulated.ChildJvm;
import dev.videocall.emulated.Deployables;
import dev.videocall.emulated.EmulatedCloud;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The first call after a quiet day (issue 28): the production model's delays, each process of the
 * emulated cloud on CPUs of its own as far as two cores allow (the gateway alone on one; the router,
 * the sweeper, CreateCall, the emulators, this harness and the browser on the other), and nothing
 * running when the first link is opened. Headless Chromium opens both links of a call on the one
 * gateway (after a quiet day one instance serves both people), the second person 10 s after the first,
 * or both at once; then the same calls on the warm cloud. Every figure is a wall-clock span between
 * events both sides stamp with this machine's clock.
 *
 * <p>{@code java -cp videocall-bench.jar dev.videocall.bench.QuietDayModel} (emulators running, their
 * hosts in PUBSUB_EMULATOR_HOST and FIRESTORE_EMULATOR_HOST) writes BENCH_OUT/quiet-day-model.md.
 * Settings: QUIET_COLD_RUNS (5 per scenario), QUIET_WARM_CALLS (5), QUIET_PIN ("1:0", the gateway's
 * CPUs and everyone else's; "none" for no pinning). The report lists the runs that finished even when a
 * later one fails (it says so, and the failure is thrown after it is written).
 */
final class QuietDayModel {
  private static final Pattern LOG_TIME = Pattern.compile("\"time\":\"([^\"]+)\"");
  /** How long after the first person the second opens the link, in the first scenario. */
  static final int SECOND_AFTER_MILLIS = 10_000;

  /** One call: the browser's marks (epoch ms) and the processes' (gateway, router). */
  record Run(JsonObject call, long gatewayLaunched, long gatewayListening, long gatewayReady, long routerLaunched, long routerAnswering) {
    long t0() {
      return call.get("t0").getAsLong();
    }

    long at(String person, String mark) {
      return call.getAsJsonObject(person).get(mark).getAsLong();
    }

    long bothSeeVideo() {
      return Math.max(at("a", "firstFrameAt"), at("b", "firstFrameAt"));
    }
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> env = System.getenv();
    Path root = Path.of(env.getOrDefault("BENCH_ROOT", ".")).toAbsolutePath().normalize();
    Path out = root.resolve(env.getOrDefault("BENCH_OUT", "docs/benchmarks"));
    int coldRuns = Integer.parseInt(env.getOrDefault("QUIET_COLD_RUNS", "5"));
    int warmCalls = Integer.parseInt(env.getOrDefault("QUIET_WARM_CALLS", "5"));
    String pin = env.getOrDefault("QUIET_PIN", Runtime.getRuntime().availableProcessors() >= 2 ? "1:0" : "none");
    EmulatedCloud.Pinning pinning = pin.equals("none") ? EmulatedCloud.Pinning.NONE
        : new EmulatedCloud.Pinning(pin.split(":")[0], pin.split(":")[1]);
    String pubsub = env.get("PUBSUB_EMULATOR_HOST");
    String firestore = env.get("FIRESTORE_EMULATOR_HOST");
    if (pubsub == null || firestore == null) {
      throw new IllegalStateException("the model needs PUBSUB_EMULATOR_HOST and FIRESTORE_EMULATOR_HOST (scripts/emulators start)");
    }
    List<ProcessHandle> placed = new ArrayList<>(List.of(ProcessHandle.current()));
    placed.addAll(Cpus.emulator(pubsub));
    placed.addAll(Cpus.emulator(firestore));
    if (pinning.functions() != null) {
      for (ProcessHandle p : placed) {
        Cpus.pin(p, pinning.functions());
      }
    }
    String load = Files.readString(Path.of("/proc/loadavg")).trim();
    QuietDayModel model = new QuietDayModel(root, pubsub, firestore, pinning);
    Map<String, List<Run>> runs = new LinkedHashMap<>();
    Throwable failed = null;
    try {
      model.cold(scenario(runs, "cold, second person 10 s later"), coldRuns, SECOND_AFTER_MILLIS);
      model.cold(scenario(runs, "cold, both at once"), coldRuns, 0);
      model.warm(scenario(runs, "warm, second person 10 s later"), warmCalls, SECOND_AFTER_MILLIS);
    } catch (Exception | AssertionError e) { // ChildJvm reports a process that never answered as an AssertionError
      failed = e;
    } finally {
      if (pinning.functions() != null) {
        restore(placed);
      }
    }
    // The runs that finished are reported even when a later one failed.
    String loadAfter = Files.readString(Path.of("/proc/loadavg")).trim();
    String md = report(runs, pin, load, loadAfter, failed);
    Files.createDirectories(out);
    Files.writeString(out.resolve("quiet-day-model.md"), md);
    System.out.print(md);
    if (failed instanceof AssertionError e) {
      throw e;
    }
    if (failed != null) {
      throw (Exception) failed;
    }
  }

  /** A new scenario's list of runs, in the report in the order the scenarios ran. */
  private static List<Run> scenario(Map<String, List<Run>> runs, String name) {
    List<Run> list = new ArrayList<>();
    runs.put(name, list);
    return list;
  }

  /**
   * Puts the processes the model pinned back on every CPU. Some have exited by now (the emulators'
   * helpers, a thread of this JVM): they are skipped, and any other failure is reported, not thrown,
   * so the runs' report is still written. One line says what happened.
   */
  private static void restore(List<ProcessHandle> placed) {
    String all = Cpus.all();
    List<Long> gone = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    for (ProcessHandle p : placed) {
      try {
        gone.addAll(Cpus.pin(p, all));
      } catch (Exception e) {
        failures.add(e.getMessage());
      }
    }
    System.out.println("cpus: moved the pinned processes back to CPUs " + all
        + (gone.isEmpty() ? "" : "; skipped " + gone.size() + " that had exited " + gone)
        + (failures.isEmpty() ? "" : "; could not move " + failures.size() + ": " + String.join("; ", failures)));
  }

  private final Path root;
  private final String pubsub;
  private final String firestore;
  private final EmulatedCloud.Pinning pinning;
  private final Deployables jars;
  private final InviteTokens tokens;
  private final Map<String, String> env = new HashMap<>();

  QuietDayModel(Path root, String pubsub, String firestore, EmulatedCloud.Pinning pinning) {
    this.root = root;
    this.pubsub = pubsub;
    this.firestore = firestore;
    this.pinning = pinning;
    this.jars = Deployables.inRepository(root);
    String keys = CoreConfig.newKeySpec("quiet");
    this.tokens = new InviteTokens(SigningKeys.parse(keys));
    env.put("INVITE_SIGNING_KEYS", keys);
    env.put("PUBLIC_BASE_URL", "http://localhost");
    env.put("MAX_NEW_CONNECTIONS_PER_ADDRESS_PER_MINUTE", "100000");
  }

  private EmulatedCloud.Settings settings(int port, boolean routerOnDemand) {
    EmulatedCloud.Latency latency = new EmulatedCloud.Latency(ProductionModel.PUBSUB_ONE_WAY, ProductionModel.FIRESTORE_ONE_WAY,
        ProductionModel.PUSH_DELIVERY, ProductionModel.FUNCTION_OVERHEAD, routerOnDemand, ProductionModel.PLATFORM_COLD_START);
    return new EmulatedCloud.Settings(pubsub, firestore, "quiet-" + UUID.randomUUID().toString().substring(0, 8),
        ProductionModel.withOrigins(env, port, port), List.of(port), null, false, root.resolve("bench/target/logs"))
        .withLatency(latency).withPinning(pinning);
  }

  /**
   * From full scale-to-zero: the topics and router-push exist, nothing runs but the sweeper (which has
   * no part in a call). t0: the first link is opened; after the platform's share of a cold start the
   * gateway is launched; the router starts on its first push.
   */
  void cold(List<Run> out, int runs, int secondAfterMillis) throws Exception {
    for (int i = 0; i < runs; i++) {
      int port = ServerProcess.freePort();
      try (EmulatedCloud cloud = EmulatedCloud.prepare(jars, settings(port, true))) {
        cloud.sweeper().awaitHttp("/", 90);
        BrowserRun browsers = browsers(port, 1, secondAfterMillis, true);
        browsers.go();
        Thread.sleep(ProductionModel.PLATFORM_COLD_START.toMillis());
        cloud.launch();
        Run run = run(cloud, browsers.results("call ").get(0));
        System.out.println("  cold (second after " + secondAfterMillis + " ms): " + summary(run));
        out.add(run);
      }
    }
  }

  /** The same calls on a cloud that is up and has made a call already. */
  void warm(List<Run> out, int calls, int secondAfterMillis) throws Exception {
    int port = ServerProcess.freePort();
    try (EmulatedCloud cloud = EmulatedCloud.start(jars, settings(port, false))) {
      browsers(port, 1, secondAfterMillis, false).results("call ");
      for (String call : browsers(port, calls, secondAfterMillis, false).results("call ")) {
        Run run = run(cloud, call);
        System.out.println("  warm: " + summary(run));
        out.add(run);
      }
    }
  }

  private BrowserRun browsers(int port, int calls, int secondAfterMillis, boolean cold) throws Exception {
    return BrowserRun.start(root, "first-call.mjs", ProductionModel.links(tokens, port, port, calls),
        Map.of("MODE", cold ? "cold" : "warm", "SECOND_AFTER_MS", Integer.toString(secondAfterMillis)), pinning.functions());
  }

  private static Run run(EmulatedCloud cloud, String json) throws Exception {
    ChildJvm gateway = cloud.gateways().get(0);
    ChildJvm router = cloud.router();
    long routerAnswering = cloud.routerReadyNanos() == 0 ? -1
        : System.currentTimeMillis() - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cloud.routerReadyNanos());
    return new Run(JsonParser.parseString(json).getAsJsonObject(), gateway.launchedAtMillis,
        logged(gateway, "serving the page; connecting the clouds"), logged(gateway, "gateway ready"),
        router == null ? -1 : router.launchedAtMillis, routerAnswering);
  }

  /** When the process logged {@code message} first (epoch ms), or -1. */
  private static long logged(ChildJvm process, String message) throws Exception {
    for (String line : process.logLines()) {
      if (line.contains("\"message\":\"" + message + "\"")) {
        Matcher m = LOG_TIME.matcher(line);
        if (m.find()) {
          return Instant.parse(m.group(1)).toEpochMilli();
        }
      }
    }
    return -1;
  }

  private static String summary(Run r) {
    String launched = r.gatewayLaunched() < r.t0() ? "" : String.format(" (%d ms after the gateway's launch)", r.at("a", "visibleAt") - r.gatewayLaunched());
    return String.format("page %d ms%s, welcome %d ms, both see video %d ms after the first link; the second's call %d ms",
        r.at("a", "visibleAt") - r.t0(), launched, r.at("a", "welcomeAt") - r.t0(), r.bothSeeVideo() - r.t0(), r.bothSeeVideo() - r.at("b", "openedAt"));
  }

  /** One figure over the runs: its values, median, and range. */
  private record Figure(String what, List<Long> values) {
    String row() {
      List<Long> sorted = new ArrayList<>(values);
      sorted.sort(null);
      long median = sorted.size() % 2 == 1 ? sorted.get(sorted.size() / 2)
          : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
      return String.format("| %s | %d | %d–%d | %s |%n", what, median, sorted.get(0), sorted.get(sorted.size() - 1), values);
    }
  }

  private static List<Figure> figures(List<Run> runs, boolean cold) {
    List<Figure> f = new ArrayList<>();
    f.add(figure("first person: link opened → page visible", runs, r -> r.at("a", "visibleAt") - r.t0()));
    if (cold) {
      f.add(figure("first person: gateway process launched → page visible", runs, r -> r.at("a", "visibleAt") - r.gatewayLaunched()));
    }
    f.add(figure("first person: link opened → `welcome`", runs, r -> r.at("a", "welcomeAt") - r.t0()));
    f.add(figure("first link opened → both see video", runs, r -> r.bothSeeVideo() - r.t0()));
    f.add(figure("second person: link opened → page visible", runs, r -> r.at("b", "visibleAt") - r.at("b", "openedAt")));
    f.add(figure("second person: link opened → `welcome`", runs, r -> r.at("b", "welcomeAt") - r.at("b", "openedAt")));
    f.add(figure("second person: link opened → both see video", runs, r -> r.bothSeeVideo() - r.at("b", "openedAt")));
    if (cold) {
      f.add(figure("gateway: launched → listening (page served)", runs, r -> r.gatewayListening() - r.gatewayLaunched()));
      f.add(figure("gateway: launched → ready (clouds connected)", runs, r -> r.gatewayReady() - r.gatewayLaunched()));
      f.add(figure("router: first link opened → launched (woken)", runs, r -> r.routerLaunched() - r.t0()));
      f.add(figure("router: first link opened → answering", runs, r -> r.routerAnswering() - r.t0()));
    }
    return f;
  }

  private static Figure figure(String what, List<Run> runs, java.util.function.ToLongFunction<Run> of) {
    return new Figure(what, runs.stream().map(r -> of.applyAsLong(r)).toList());
  }

  private static String report(Map<String, List<Run>> runs, String pin, String loadBefore, String loadAfter, Throwable failed) {
    StringBuilder md = new StringBuilder("# The first call after a quiet day (model)\n\n")
        .append("Generated by `QuietDayModel` on ").append(java.time.LocalDate.now())
        .append(" — do not edit by hand. A model, not a measurement of Google Cloud: docs/performance.md gives its method and what it cannot show.\n\n")
        .append("Delays: Pub/Sub ").append(ProductionModel.PUBSUB_ONE_WAY.toMillis()).append(" ms each way, push delivery ")
        .append(ProductionModel.PUSH_DELIVERY.toMillis()).append(" ms, function request overhead ")
        .append(ProductionModel.FUNCTION_OVERHEAD.toMillis()).append(" ms, Firestore ")
        .append(ProductionModel.FIRESTORE_ONE_WAY.toMillis()).append(" ms each way, the platform's share of a cold start ")
        .append(ProductionModel.PLATFORM_COLD_START.toMillis()).append(" ms. CPUs (gateway:everything else): ").append(pin)
        .append(". Load average before: ").append(loadBefore).append("; after: ").append(loadAfter).append(".\n");
    if (failed != null) {
      md.append("\n**The model stopped early** (").append(failed).append("): only the runs below finished.\n");
    }
    for (Map.Entry<String, List<Run>> e : runs.entrySet()) {
      if (e.getValue().isEmpty()) {
        continue;
      }
      boolean cold = e.getKey().startsWith("cold");
      md.append("\n## ").append(e.getKey()).append(" (").append(e.getValue().size()).append(cold ? " runs" : " calls").append(")\n\n")
          .append("| ms | median | range | each |\n|---|---:|---:|---|\n");
      for (Figure f : figures(e.getValue(), cold)) {
        md.append(f.row());
      }
    }
    return md.toString();
  }
}
