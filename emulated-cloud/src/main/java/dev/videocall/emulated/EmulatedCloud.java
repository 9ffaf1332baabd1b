package dev.videocall.emulated;

import dev.videocall.gcp.CloudConfig;
import dev.videocall.gcp.PubSubClients;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The cloud shape on one machine: the resources of terraform/pubsub.tf on Google's Pub/Sub emulator
 * (its push subscription pushed by the emulator itself), the router, CreateCall and sweeper under the
 * Functions Framework invoker (as Cloud Functions gen2 runs them), a timer in place of Cloud
 * Scheduler, and any number of cloud gateways, each its own process on its own port, on Google's
 * Firestore emulator. Used by {@code scripts/run --emulated-cloud}, the integration tests and the
 * benchmarks.
 */
public final class EmulatedCloud implements AutoCloseable {
  /**
   * What to start.
   *
   * @param pubsubHost emulator host:port
   * @param firestoreHost emulator host:port
   * @param prefix resource name prefix (a fresh one per run: the emulators keep state)
   * @param env extra environment for every process (signing keys, heartbeat settings, limits…)
   * @param gatewayPorts one gateway per entry; 0 picks a free port
   * @param sweepEvery how often the stand-in scheduler calls the sweeper; null for no timer (the
   *     caller sweeps with {@link #sweepOnce()})
   * @param createCall whether to start the CreateCall function
   * @param logDir where each process writes NAME.log
   * @param maxDeliveryAttempts router-push's dead-letter threshold; 0 for terraform/'s
   * @param latency the production model's added delays; {@link Latency#NONE} for the bare emulators
   * @param pushFront whether the emulator pushes to a {@link PushFront} (counts, faults) that
   *     forwards to the router, rather than to the router itself; always with added latency
   * @param pinning which CPUs the processes run on; {@link Pinning#NONE} for any
   */
  public record Settings(
      String pubsubHost,
      String firestoreHost,
      String prefix,
      Map<String, String> env,
      List<Integer> gatewayPorts,
      Duration sweepEvery,
      boolean createCall,
      Path logDir,
      int maxDeliveryAttempts,
      Latency latency,
      boolean pushFront,
      Pinning pinning) {

    /** With the dead-letter threshold Terraform deploys, no added latency, pushing to the router itself. */
    public Settings(
        String pubsubHost, String firestoreHost, String prefix, Map<String, String> env, List<Integer> gatewayPorts,
        Duration sweepEvery, boolean createCall, Path logDir) {
      this(pubsubHost, firestoreHost, prefix, env, gatewayPorts, sweepEvery, createCall, logDir, 0, Latency.NONE, false, Pinning.NONE);
    }

    public Settings withLatency(Latency l) {
      return new Settings(pubsubHost, firestoreHost, prefix, env, gatewayPorts, sweepEvery, createCall, logDir, maxDeliveryAttempts, l, true, pinning);
    }

    public Settings withMaxDeliveryAttempts(int attempts) {
      return new Settings(pubsubHost, firestoreHost, prefix, env, gatewayPorts, sweepEvery, createCall, logDir, attempts, latency, pushFront, pinning);
    }

    /** Pushes through a {@link PushFront}, for its counts and faults. */
    public Settings withPushFront() {
      return new Settings(pubsubHost, firestoreHost, prefix, env, gatewayPorts, sweepEvery, createCall, logDir, maxDeliveryAttempts, latency, true, pinning);
    }

    public Settings withPinning(Pinning p) {
      return new Settings(pubsubHost, firestoreHost, prefix, env, gatewayPorts, sweepEvery, createCall, logDir, maxDeliveryAttempts, latency, pushFront, p);
    }
  }

  /**
   * The CPUs the processes run on ({@code taskset -c} lists; null for any), as Cloud Run gives each
   * instance its own vCPU: the production model puts the gateways on one core and every other process
   * on the other, which is all a two-core machine can do (docs/performance.md says what that misses).
   */
  public record Pinning(String gateways, String functions) {
    public static final Pinning NONE = new Pinning(null, null);
  }

  /**
   * Delays added to model the real services: a one-way delay on every byte to and from Pub/Sub and
   * Firestore (each request then costs twice that), and, before each push of an ingress message to
   * the router (in the {@link PushFront}), Pub/Sub's push delivery time and the function platform's
   * request overhead. With
   * {@code routerOnDemand} the router is not started with the rest but by the first push, which
   * waits for it after {@code platformColdStart} (what the platform adds to a cold start before the
   * JVM runs), as Cloud Run starts a scaled-to-zero function for a request.
   */
  public record Latency(
      Duration pubsubOneWay,
      Duration firestoreOneWay,
      Duration pushDelivery,
      Duration functionOverhead,
      boolean routerOnDemand,
      Duration platformColdStart) {
    public static final Latency NONE = new Latency(Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO, false, Duration.ZERO);
  }

  /** The functions image's compilation flag (its other flags size memory, which does not matter here). */
  static final List<String> FUNCTIONS_IMAGE_JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=1");

  private final Settings settings;
  private final CloudResources resources;
  private final PubSubClients clients;
  private final List<ChildJvm> processes = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final List<ChildJvm> gateways = new ArrayList<>();
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "scheduler");
    t.setDaemon(true);
    return t;
  });
  private final List<DelayProxy> proxies = new ArrayList<>();
  private final PubSubProxy pubsubProxy;
  private String pubsubAddress;
  private String firestoreAddress;
  private Deployables jars;
  private volatile long routerReadyNanos;
  private ChildJvm router;
  private ChildJvm sweeper;
  private ChildJvm createCall;
  private PushFront front;
  private boolean routerPushCreated;

  private EmulatedCloud(Deployables jars, Settings settings) throws java.io.IOException {
    this.settings = settings;
    CloudResources declared = CloudResources.fromTerraform(jars.terraformDir(), settings.prefix());
    this.resources = settings.maxDeliveryAttempts() > 0 ? declared.withMaxDeliveryAttempts(settings.maxDeliveryAttempts()) : declared;
    // The harness itself (resources, push front) talks to the emulators directly; the processes go
    // through the delay proxies when the model adds latency.
    // The processes' subscribers need the keepalive answers the emulator does not give (PubSubProxy).
    this.pubsubProxy = PubSubProxy.start(settings.pubsubHost(), PubSubProxy.PASS_ALL);
    this.pubsubAddress = proxied(pubsubProxy.host, settings.latency().pubsubOneWay());
    this.firestoreAddress = proxied(settings.firestoreHost(), settings.latency().firestoreOneWay());
    Map<String, String> direct = new HashMap<>(baseEnv());
    direct.put("PUBSUB_EMULATOR_HOST", settings.pubsubHost());
    this.clients = new PubSubClients(CloudConfig.fromEnv(direct));
  }

  private String proxied(String host, Duration oneWay) throws java.io.IOException {
    if (oneWay.isZero()) {
      return host;
    }
    DelayProxy proxy = DelayProxy.start(host, oneWay);
    proxies.add(proxy);
    return proxy.address();
  }

  /** Creates the resources and starts every process; returns once all of them answer and the gateways are ready. */
  public static EmulatedCloud start(Deployables jars, Settings settings) throws Exception {
    EmulatedCloud cloud = prepare(jars, settings);
    try {
      cloud.launch();
      return cloud;
    } catch (Exception | Error e) {
      cloud.close();
      throw e;
    }
  }

  /**
   * What exists before anyone calls: the topics, router-push (to the push front, when there is one),
   * the sweeper and CreateCall (a link was created before it is opened). No gateway and no router run
   * yet: {@link #launch} starts them, as the first request after a quiet spell does in the cloud.
   */
  public static EmulatedCloud prepare(Deployables jars, Settings settings) throws Exception {
    EmulatedCloud cloud = new EmulatedCloud(jars, settings);
    try {
      cloud.prepareAll(jars);
      return cloud;
    } catch (Exception | Error e) {
      cloud.close();
      throw e;
    }
  }

  private Map<String, String> baseEnv() {
    Map<String, String> env = new HashMap<>(settings.env());
    env.put("PUBSUB_EMULATOR_HOST", pubsubAddress);
    env.put("FIRESTORE_EMULATOR_HOST", firestoreAddress);
    env.putIfAbsent("GOOGLE_CLOUD_PROJECT", CloudConfig.DEFAULT_PROJECT);
    env.put("INGRESS_TOPIC", resources.ingressTopic());
    env.put("EGRESS_TOPIC", resources.egressTopic());
    env.put("EGRESS_SUBSCRIPTION_PREFIX", resources.egressSubscriptionPrefix());
    // On Google's emulator a subscription whose streaming pull is replaced goes on sending most
    // messages into the old one (docs/emulators.md): gateways keep their subscriber rather than renew
    // it after an idle spell, as they do in the cloud.
    env.putIfAbsent("EGRESS_RENEW_AFTER_IDLE_SECONDS", Long.toString(java.time.Duration.ofDays(365).toSeconds()));
    return env;
  }

  private void prepareAll(Deployables jars) throws Exception {
    this.jars = jars;
    resources.createTopics(clients);
    Map<String, String> env = baseEnv();
    String p = settings.prefix();
    if (settings.pushFront() || settings.latency().routerOnDemand()) {
      // Before any gateway runs: a wake or an open published before router-push exists would be lost.
      front = new PushFront(this::routerEndpoint);
      front.delayBeforePush = settings.latency().pushDelivery().plus(settings.latency().functionOverhead());
      resources.createRouterPush(clients, front.endpoint());
      routerPushCreated = true;
    }
    Map<String, String> sweeperEnv = new HashMap<>(env);
    sweeperEnv.remove("INVITE_SIGNING_KEYS"); // as deployed: the sweeper never sees the key
    sweeper = track(function(p + "-sweeper", "dev.videocall.functions.SweepFunction", sweeperEnv));
    if (settings.createCall()) {
      createCall = track(function(p + "-create-call", "dev.videocall.functions.CreateCallFunction", env));
    }
  }

  /**
   * Starts the gateways (and the router, unless it starts on its first push) and returns once every
   * process answers and every gateway is ready.
   */
  public void launch() throws Exception {
    Map<String, String> gatewayEnv = new HashMap<>(baseEnv());
    if (createCall != null) {
      // The page's form posts where the gateway's /config.json says: here, the function itself.
      gatewayEnv.put("CREATE_CALL_URL", "http://localhost:" + createCall.awaitPort(90) + "/");
    }
    char letter = 'a';
    for (int port : settings.gatewayPorts()) {
      gateways.add(track(ChildJvm.gateway(jars, settings.prefix() + "-gw-" + letter++, gatewayEnv, port, settings.logDir(),
          settings.pinning().gateways())));
    }
    if (!settings.latency().routerOnDemand()) {
      launchRouter();
    }
    if (!routerPushCreated) {
      resources.createRouterPush(clients, routerEndpoint());
      routerPushCreated = true;
    }
    sweeper.awaitHttp("/", 90);
    if (createCall != null) {
      createCall.awaitHttp("/", 90);
    }
    for (ChildJvm g : gateways) {
      g.awaitReady(90);
    }
    if (!settings.latency().routerOnDemand()) {
      startRouter();
    }
    if (settings.sweepEvery() != null) {
      long every = settings.sweepEvery().toMillis();
      scheduler.scheduleWithFixedDelay(this::sweepOnce, every, every, TimeUnit.MILLISECONDS);
    }
  }

  /** A function under the invoker as the functions image runs it: C1 only (its entrypoint, functions/pom.xml). */
  private ChildJvm function(String name, String target, Map<String, String> env) throws java.io.IOException {
    return ChildJvm.invoker(jars, name, target, env, settings.logDir(), FUNCTIONS_IMAGE_JVM_OPTIONS, settings.pinning().functions());
  }

  /** Starts the router's process; {@link #startRouter} waits for it. */
  private synchronized void launchRouter() throws Exception {
    if (router == null) {
      router = track(function(settings.prefix() + "-router", "dev.videocall.functions.RouterFunction", baseEnv()));
    }
  }

  /** Starts the router if it is not running (after the platform's cold-start delay) and waits until it answers. */
  private synchronized ChildJvm startRouter() throws Exception {
    if (router == null) {
      Thread.sleep(settings.latency().platformColdStart().toMillis());
      launchRouter();
    }
    if (routerReadyNanos == 0) {
      router.awaitHttp("/", 90);
      routerReadyNanos = System.nanoTime();
    }
    return router;
  }

  private URI routerEndpoint() {
    try {
      return URI.create("http://127.0.0.1:" + startRouter().port + "/");
    } catch (Exception e) {
      throw new IllegalStateException("router did not start", e);
    }
  }

  /** When the router began to answer (System.nanoTime), for cold-start measurements. */
  public long routerReadyNanos() {
    return routerReadyNanos;
  }

  private ChildJvm track(ChildJvm process) {
    processes.add(process);
    return process;
  }

  /** One POST to the sweeper, as Cloud Scheduler sends it; failures are the sweeper's log's business. */
  public void sweepOnce() {
    try {
      HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://localhost:" + sweeper.port + "/")).POST(HttpRequest.BodyPublishers.noBody()).build(),
          HttpResponse.BodyHandlers.discarding());
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The environment every process got: emulators, topics, subscription prefix, and the extras. */
  public Map<String, String> processEnv() {
    return baseEnv();
  }

  public CloudResources resources() {
    return resources;
  }

  public PubSubClients clients() {
    return clients;
  }

  public synchronized ChildJvm router() {
    return router;
  }

  public ChildJvm sweeper() {
    return sweeper;
  }

  public ChildJvm createCall() {
    return createCall;
  }

  public List<ChildJvm> gateways() {
    return List.copyOf(gateways);
  }

  /** The push front, when the settings asked for one (else null: the emulator pushes to the router). */
  public PushFront front() {
    return front;
  }

  /**
   * Stops the timer and deletes router-push (the emulator would otherwise go on pushing to a router
   * that is gone), then stops every process (gateways first, with SIGTERM as Cloud Run does).
   */
  @Override
  public void close() {
    scheduler.shutdownNow();
    if (routerPushCreated) {
      closeQuietly(() -> resources.deleteRouterPush(clients));
    }
    closeQuietly(front);
    for (ChildJvm g : gateways) {
      closeQuietly(g);
    }
    for (ChildJvm p : processes) {
      closeQuietly(p);
    }
    proxies.forEach(EmulatedCloud::closeQuietly);
    closeQuietly(pubsubProxy);
    clients.close();
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
