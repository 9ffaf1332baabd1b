package dev.videocall.bench;

import dev.videocall.contract.invite.InviteTokens;
import dev.videocall.contract.invite.SigningKeys;
import dev.videocall.core.CoreConfig;
import dev.videocall.emulated.Deployables;
import dev.videocall.emulated.EmulatedCloud;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A figure for production: the emulated cloud with each hop delayed by the latency Google publishes
 * (or, where it publishes none, the best public measurement; docs/performance.md cites each), then
 * real headless-Chromium calls across two gateways, warm and from everything scaled to zero. A model,
 * not a measurement of Google Cloud.
 */
final class ProductionModel {
  /**
   * One-way delay on every Pub/Sub request and stream: publish acknowledged after 100 ms, a message
   * reaches a subscriber about 100 ms after it is published (Pub/Sub overview: "on the order of 100 ms").
   */
  static final Duration PUBSUB_ONE_WAY = Duration.ofMillis(50);
  /** Push delivery's share of that 100 ms, before the router is called. */
  static final Duration PUSH_DELIVERY = Duration.ofMillis(50);
  /** Firestore document read about 16 ms at the median, so 8 ms each way (measurements cited in the doc). */
  static final Duration FIRESTORE_ONE_WAY = Duration.ofMillis(8);
  /** A warm Cloud Run request's own round trip, about 20 ms in one region (Googler measurement cited). */
  static final Duration FUNCTION_OVERHEAD = Duration.ofMillis(20);
  /** What Cloud Run adds to a cold start before the JVM runs: "a few 100 ms" (Cloud Run PM, cited). */
  static final Duration PLATFORM_COLD_START = Duration.ofMillis(300);

  record CallResult(List<Long> setupMillis, List<Long> coldMillis, RelayRun.Result relay) {}

  static CallResult run(Path root, int warmCalls, int coldRuns, int relayPairs, int warmup, int measure) throws Exception {
    String pubsub = System.getenv("PUBSUB_EMULATOR_HOST");
    String firestore = System.getenv("FIRESTORE_EMULATOR_HOST");
    if (pubsub == null || firestore == null) {
      throw new IllegalStateException("the production model needs PUBSUB_EMULATOR_HOST and FIRESTORE_EMULATOR_HOST (scripts/emulators start)");
    }
    Deployables jars = Deployables.inRepository(root);
    Path logs = root.resolve("bench/target/logs");
    String keys = CoreConfig.newKeySpec("model");
    InviteTokens tokens = new InviteTokens(SigningKeys.parse(keys));
    Map<String, String> env = new HashMap<>();
    env.put("INVITE_SIGNING_KEYS", keys);
    env.put("PUBLIC_BASE_URL", "http://localhost");
    env.put("MAX_NEW_CONNECTIONS_PER_ADDRESS_PER_MINUTE", "100000");

    List<Long> setup;
    RelayRun.Result relay;
    EmulatedCloud.Latency warm = new EmulatedCloud.Latency(
        PUBSUB_ONE_WAY, FIRESTORE_ONE_WAY, PUSH_DELIVERY, FUNCTION_OVERHEAD, false, Duration.ZERO);
    int portA = ServerProcess.freePort();
    int portB = ServerProcess.freePort();
    Map<String, String> warmEnv = withOrigins(env, portA, portB);
    try (EmulatedCloud cloud = EmulatedCloud.start(jars, settings(pubsub, firestore, "model-warm", warmEnv, portA, portB, logs).withLatency(warm))) {
      // Two calls first, uncounted: the JIT and the clients' channels warm up as on a site in use.
      browserCalls(root, links(tokens, portA, portB, 2), false);
      setup = browserCalls(root, links(tokens, portA, portB, warmCalls), false);
      Target target = new VideocallTarget("videocall, production model", portA, portB, tokens);
      List<Pairs.Pair> open = new Pairs(target, List.of(java.net.http.HttpClient.newHttpClient()), true).open(relayPairs);
      relay = new RelayRun(target, open, 1000).run(warmup, measure);
      Pairs.closeAll(open);
    }

    List<Long> cold = new ArrayList<>();
    EmulatedCloud.Latency scaledToZero = new EmulatedCloud.Latency(
        PUBSUB_ONE_WAY, FIRESTORE_ONE_WAY, PUSH_DELIVERY, FUNCTION_OVERHEAD, true, PLATFORM_COLD_START);
    for (int run = 0; run < coldRuns; run++) {
      int a = ServerProcess.freePort();
      int b = ServerProcess.freePort();
      EmulatedCloud.Settings s = settings(pubsub, firestore, "model-cold", withOrigins(env, a, b), a, b, logs).withLatency(scaledToZero);
      // Both people open their links at t0 with nothing running: the browsers retry until the
      // gateways answer (Cloud Run holds a request while an instance starts), the gateways start
      // after the platform's share of a cold start, and the router starts on the first push.
      BrowserRun browsers = BrowserRun.start(root, links(tokens, a, b, 1), true);
      browsers.go();
      Thread.sleep(PLATFORM_COLD_START.toMillis());
      try (EmulatedCloud cloud = EmulatedCloud.start(jars, s)) {
        cold.addAll(browsers.results());
      }
    }
    return new CallResult(setup, cold, relay);
  }

  private static EmulatedCloud.Settings settings(
      String pubsub, String firestore, String name, Map<String, String> env, int portA, int portB, Path logs) {
    return new EmulatedCloud.Settings(pubsub, firestore, name + "-" + UUID.randomUUID().toString().substring(0, 8), env,
        List.of(portA, portB), null, false, logs);
  }

  private static Map<String, String> withOrigins(Map<String, String> env, int portA, int portB) {
    Map<String, String> out = new HashMap<>(env);
    out.put("ALLOWED_ORIGINS", "http://localhost:" + portA + ",http://localhost:" + portB);
    return out;
  }

  /** Links of {@code calls} calls, each first person on gateway A and second on gateway B. */
  private static List<String[]> links(InviteTokens tokens, int portA, int portB, int calls) {
    List<String[]> out = new ArrayList<>();
    for (int i = 0; i < calls; i++) {
      String session = tokens.newSessionId();
      Instant exp = Instant.now().plusSeconds(3600);
      out.add(new String[] {
        "http://localhost:" + portA + "/video?userID=a" + i + "&peerID=b" + i + "&token=" + enc(tokens.mint(session, "a" + i, "b" + i, exp)),
        "http://localhost:" + portB + "/video?userID=b" + i + "&peerID=a" + i + "&token=" + enc(tokens.mint(session, "b" + i, "a" + i, exp))});
    }
    return out;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static List<Long> browserCalls(Path root, List<String[]> links, boolean cold) throws Exception {
    return BrowserRun.start(root, links, cold).results();
  }

  /** bench/node/cloud-call.mjs over the links, one call at a time; each call's set-up in ms. */
  private static final class BrowserRun {
    private final Process node;
    private final java.io.BufferedReader out;
    private final StringBuilder log = new StringBuilder();

    private BrowserRun(Process node) {
      this.node = node;
      this.out = new java.io.BufferedReader(new java.io.InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
    }

    static BrowserRun start(Path root, List<String[]> links, boolean cold) throws Exception {
      Path file = Files.createTempFile("model-links", ".json");
      StringBuilder json = new StringBuilder("[");
      for (String[] l : links) {
        json.append(json.length() > 1 ? "," : "").append("[\"").append(l[0]).append("\",\"").append(l[1]).append("\"]");
      }
      Files.writeString(file, json.append(']').toString());
      ProcessBuilder pb = new ProcessBuilder("node", root.resolve("bench/node/cloud-call.mjs").toString()).redirectErrorStream(true);
      pb.environment().put("LINKS_FILE", file.toString());
      pb.environment().put("MODE", cold ? "cold" : "warm");
      return new BrowserRun(pb.start());
    }

    /** Cold mode: waits for the browser to be up, then says go (t0). */
    void go() throws Exception {
      for (String line; (line = out.readLine()) != null; ) {
        log.append(line).append('\n');
        if (line.equals("ready")) {
          node.getOutputStream().write("go\n".getBytes(StandardCharsets.UTF_8));
          node.getOutputStream().flush();
          return;
        }
      }
      throw new IllegalStateException("cloud-call.mjs ended before it was ready:\n" + log);
    }

    List<Long> results() throws Exception {
      List<Long> millis = new ArrayList<>();
      for (String line; (line = out.readLine()) != null; ) {
        log.append(line).append('\n');
        if (line.startsWith("setupMs ")) {
          millis.add(Long.parseLong(line.substring("setupMs ".length()).trim()));
          System.out.println("  call set-up " + millis.get(millis.size() - 1) + " ms");
        }
      }
      if (!node.waitFor(60, TimeUnit.SECONDS) || node.exitValue() != 0) {
        throw new IllegalStateException("cloud-call.mjs failed:\n" + log);
      }
      return millis;
    }
  }
}
