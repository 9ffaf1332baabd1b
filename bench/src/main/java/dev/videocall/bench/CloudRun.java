package dev.videocall.bench;

import dev.videocall.contract.ConnectionRef;
import dev.videocall.contract.invite.InviteTokens;
import dev.videocall.contract.invite.SigningKeys;
import dev.videocall.core.CoreConfig;
import dev.videocall.core.PresenceStore;
import dev.videocall.gcp.FirestoreClients;
import dev.videocall.functions.gcp.FirestorePresenceStore;
import dev.videocall.gcp.PubSubClients;
import dev.videocall.emulated.ChildJvm;
import dev.videocall.emulated.Deployables;
import dev.videocall.emulated.EmulatedCloud;
import dev.videocall.emulated.PushFront;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * The relay pattern through the emulated cloud: two gateway JVMs (each pair split across them), the
 * router function under the Functions Framework invoker, Google's Pub/Sub emulator pushing to it
 * (through a {@link PushFront} that times each POST), and Google's Firestore emulator. The hops are
 * then apportioned from three extra measurements: the router's time per push (the front times each
 * POST), Firestore's time for the per-frame read (timed directly), and the embedded stack's latency
 * (gateway and core without the cloud); Pub/Sub gets the rest.
 */
final class CloudRun {
  record Result(RelayRun.Result relay, Histogram functionNanos, Histogram firestoreNanos, List<StartupRun.Result> functionStartup) {}

  static Result run(int pairs, long periodMillis, int warmup, int measure, int startupRuns, java.nio.file.Path root) throws Exception {
    String pubsub = System.getenv("PUBSUB_EMULATOR_HOST");
    String firestore = System.getenv("FIRESTORE_EMULATOR_HOST");
    if (pubsub == null || firestore == null) {
      throw new IllegalStateException("the emulated cloud needs PUBSUB_EMULATOR_HOST and FIRESTORE_EMULATOR_HOST (scripts/emulators start)");
    }
    String keys = CoreConfig.newKeySpec("bench");
    InviteTokens tokens = new InviteTokens(SigningKeys.parse(keys));
    Map<String, String> env = new HashMap<>();
    env.put("INVITE_SIGNING_KEYS", keys);
    env.put("PUBLIC_BASE_URL", "http://localhost");
    env.put("FRAME_RATE_PER_SECOND", "1000000");
    env.put("FRAME_BURST", "1000000");
    env.put("MAX_NEW_CONNECTIONS_PER_ADDRESS_PER_MINUTE", "100000000");
    ConcurrentHistogram functionNanos = new ConcurrentHistogram(TimeUnit.SECONDS.toNanos(60), 3);
    Deployables jars = Deployables.inRepository(root);
    java.nio.file.Path logs = root.resolve("bench/target/logs");
    String prefix = "bench-" + java.util.UUID.randomUUID().toString().substring(0, 8);
    try (EmulatedCloud cloud = EmulatedCloud.start(jars, new EmulatedCloud.Settings(pubsub, firestore, prefix, env, List.of(0, 0), null, false, logs)
        .withPushFront())) {
      ChildJvm gatewayA = cloud.gateways().get(0);
      ChildJvm gatewayB = cloud.gateways().get(1);
      Target target = new VideocallTarget("videocall, emulated cloud", gatewayA.port, gatewayB.port, tokens);
      List<Pairs.Pair> open = new Pairs(target, List.of(HttpClient.newHttpClient()), true).open(pairs);
      PushFront front = cloud.front();
      front.onPushed = functionNanos::recordValue;
      RelayRun.Result relay = new RelayRun(target, open, periodMillis).run(warmup, measure);
      Histogram function = functionNanos.copy();
      Pairs.closeAll(open);
      // Every close pushed before the router goes: a push to a router that is gone is retried until
      // it is dead-lettered, which stops the emulator's pushing (docs/emulators.md).
      awaitQuiet(front);
      cloud.router().close();
      List<StartupRun.Result> startup = routerStartup(jars, cloud, target, startupRuns, root.resolve("bench/target"), logs);
      return new Result(relay, function, firestorePerFrame(cloud), startup);
    }
  }

  /**
   * The router's cold start: launch its JVM under the invoker (gateways and emulators already up),
   * then two people join and one offer is relayed through it. JVM options reach the invoker through
   * JAVA_TOOL_OPTIONS, as Cloud Functions' own JVM options do.
   */
  private static List<StartupRun.Result> routerStartup(
      Deployables jars, EmulatedCloud cloud, Target target, int runs, java.nio.file.Path work, java.nio.file.Path logs)
      throws Exception {
    java.nio.file.Path jsa = work.resolve("router.jsa");
    java.nio.file.Files.deleteIfExists(jsa);
    Map<String, List<String>> variants = StartupRun.jvmOptionVariants(jsa);
    List<StartupRun.Result> results = new java.util.ArrayList<>();
    HttpClient http = HttpClient.newHttpClient();
    PubSubClients clients = cloud.clients();
    int n = 0;
    for (Map.Entry<String, List<String>> v : variants.entrySet()) {
      Map<String, String> withOptions = new HashMap<>(cloud.processEnv());
      withOptions.put("JAVA_TOOL_OPTIONS", String.join(" ", v.getValue()));
      List<Long> millis = new java.util.ArrayList<>();
      boolean writesArchive = StartupRun.writesArchive(v.getKey());
      int total = runs + (writesArchive ? 1 : 0);
      for (int run = 0; run < total; run++) {
        String name = cloud.resources().prefix() + "-router-start-" + n++;
        long started = System.nanoTime();
        try (ChildJvm router = ChildJvm.invoker(jars, name, "dev.videocall.functions.RouterFunction", withOptions, logs)) {
          router.awaitPort(90);
          // router-push now pushes to this instance, as after a deployment of the function.
          cloud.resources().pushTo(clients, URI.create("http://127.0.0.1:" + router.port + "/"));
          Pairs.Pair pair = new Pairs(target, List.of(http), true).open(1).get(0);
          StartupRun.relayOneOffer(target, pair);
          if (!(writesArchive && run == 0)) {
            millis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
          }
        }
      }
      StartupRun.Result r = new StartupRun.Result(v.getKey(), millis);
      StartupRun.print("router start-up", r);
      results.add(r);
    }
    return results;
  }

  /** Waits until the front has passed nothing new for a second (at most a minute). */
  private static void awaitQuiet(PushFront front) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    long seen = -1;
    while (seen != front.pushed.get() + front.failed.get() && System.nanoTime() < deadline) {
      seen = front.pushed.get() + front.failed.get();
      Thread.sleep(1000);
    }
  }

  /** What the router asks of Firestore for each frame envelope: the call's participants (relays write nothing). */
  private static Histogram firestorePerFrame(EmulatedCloud cloud) throws Exception {
    Histogram h = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
    try (var db = FirestoreClients.create(dev.videocall.gcp.CloudConfig.fromEnv(cloud.processEnv()))) {
      PresenceStore store = new FirestorePresenceStore(db);
      String session = cloud.resources().prefix() + "-firestore";
      Instant now = Instant.now();
      store.join(new PresenceStore.Join(session, "a", "b", new ConnectionRef("gw", "c1"), now, "bench", now.plusSeconds(3600), now));
      for (int i = 0; i < 300; i++) {
        long started = System.nanoTime();
        store.participants(session);
        if (i >= 50) {
          h.recordValue(System.nanoTime() - started);
        }
      }
    }
    return h;
  }
}
