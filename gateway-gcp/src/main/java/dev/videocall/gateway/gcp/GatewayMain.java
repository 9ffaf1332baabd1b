package dev.videocall.gateway.gcp;

import com.google.cloud.firestore.Firestore;
import dev.videocall.contract.protocol.CloseCode;
import dev.videocall.gateway.Gateway;
import dev.videocall.gateway.HostSignals;
import dev.videocall.gcp.FirestoreClients;
import dev.videocall.gcp.GatewayHeartbeats;
import dev.videocall.gcp.PubSubClients;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway on Google Cloud (Cloud Run, or locally against the emulators): WebSocket events go to
 * the ingress topic, this instance's egress subscription feeds deliveries back, and a heartbeat in
 * Firestore tells the functions the instance is alive. The one place this process reads its
 * environment ({@link CloudGatewayConfig}).
 *
 * <p><b>Started, then ready.</b> The port opens first: the page, {@code /config.json} and
 * {@code /healthz} are served as soon as Jetty listens ("started": what Cloud Run's startup probe
 * asks). The clouds start beside it: first the publisher and, through it, a wake for the router
 * ({@link RouterWake}: an instance starts because someone opened a link), whose publish the other
 * clients wait for (at most {@link #WAKE_HEAD_START}); then the Firestore client, the egress
 * subscription and the first heartbeat, each retried within {@code STARTUP_TIMEOUT_SECONDS} while IAM
 * grants propagate; then the instance is "ready" and
 * the sockets that opened meanwhile are served ({@link ReadinessGate}). If the budget runs out the
 * process exits, and its sockets are closed with 1012 on the way. On SIGTERM it closes every
 * connection with 1012, deletes its subscription and exits well within Cloud Run's 10 s.
 */
public final class GatewayMain {
  private static final Logger log = LoggerFactory.getLogger(GatewayMain.class);
  /** How long the wake's publish has the start to itself before the other clients are built. */
  static final Duration WAKE_HEAD_START = Duration.ofSeconds(2);

  private GatewayMain() {}

  /** A started gateway; {@link #connectClouds} makes it ready, {@link #close()} is the SIGTERM path. */
  public static final class Running implements AutoCloseable {
    private final CloudGatewayConfig config;
    private final Gateway gateway;
    private final ReadinessGate gate;
    private final RouterWake routerWake;
    /** Null until the clouds are connected (and when they never were). */
    private volatile Clouds clouds;

    private Running(CloudGatewayConfig config, Gateway gateway, ReadinessGate gate, RouterWake routerWake) {
      this.config = config;
      this.gateway = gateway;
      this.gate = gate;
      this.routerWake = routerWake;
    }

    public Gateway gateway() {
      return gateway;
    }

    /**
     * Wakes the router first (its publisher only, and a head start for the publish), then builds the
     * other clients, creates and starts the egress subscription while it beats once (side by side:
     * each is round trips and class loading of its own client; each retried within the start-up
     * budget), then opens the gate. Throws the last
     * failure once the budget is spent.
     */
    public void connectClouds() throws Exception {
      StartupRetry retry = new StartupRetry(config.startupTimeout());
      String gatewayId = config.gateway().gatewayId();
      // An instance starting from zero is itself the sign that someone opened a link: the router's
      // start is the longer one, so its wake goes first, on the only client it needs.
      routerWake.wake();
      PubSubClients clients = new PubSubClients(config.cloud());
      PubSubIngress ingress = new PubSubIngress(
          clients.orderedPublisher(config.cloud().ingressTopic()),
          (connectionId, error) -> gateway.closeConnection(connectionId, CloseCode.SERVER_ERROR, "internal error"));
      awaitHeadStart(routerWake.sendThrough(ingress, ingress::publishWake));
      log.atInfo().addKeyValue("gatewayId", gatewayId).log("connecting Firestore, the egress subscription and the heartbeat");
      Firestore db = FirestoreClients.create(config.cloud());
      EgressSubscription egress = new EgressSubscription(clients, config.egressSubscription(), gatewayId, gateway);
      HeartbeatLoop heartbeat = new HeartbeatLoop(
          new GatewayHeartbeats(db), gatewayId, gateway::openConnections, Clock.systemUTC(), config.heartbeatInterval());
      clouds = new Clouds(clients, db, ingress, egress, heartbeat);
      // Under request-based billing the heartbeat and the egress stream stop while no socket is open;
      // the first connection after that wakes them before its open goes on.
      WakeOnFirstOpen wake = new WakeOnFirstOpen(config.egressRenewAfterIdle(), System::nanoTime);
      wake.start(routerWake, heartbeat::beatIfStale, egress::renew);
      // A welcome must have somewhere to arrive, and the functions must see this instance alive,
      // before any socket's open goes on. Both may be refused for a while on a first deployment.
      ExecutorService beside = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "egress-start");
        t.setDaemon(true);
        return t;
      });
      try {
        Future<Void> subscribed = beside.submit(() -> {
          retry.run("create egress subscription", egress::create);
          retry.run("start egress subscriber", egress::startReceiving);
          return null;
        });
        retry.run("first heartbeat", heartbeat::beatNow);
        awaitStep(subscribed);
      } finally {
        beside.shutdown();
      }
      heartbeat.start();
      gate.open(wake);
      log.atInfo().addKeyValue("gatewayId", gatewayId).log("gateway ready");
    }

    /**
     * The wake's first publish loads and connects a cold client; building the others meanwhile would
     * share this instance's CPU with it. So they wait for it, but not long: a refused or unreachable
     * Pub/Sub is the start-up retry's business, not the wake's.
     */
    private static void awaitHeadStart(CompletableFuture<?> wake) {
      try {
        wake.get(WAKE_HEAD_START.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException missed) {
        // Logged by RouterWake; the open that follows starts the router.
      }
    }

    /** The step's own failure (the retry's last), not the executor's wrapper. */
    private static void awaitStep(Future<Void> step) throws Exception {
      try {
        step.get();
      } catch (ExecutionException e) {
        if (e.getCause() instanceof Exception failure) {
          throw failure;
        }
        throw e;
      }
    }

    @Override
    public void close() {
      long started = System.nanoTime();
      gateway.shutdown(); // 1012 to everyone; their closes are published before the publisher stops
      Clouds c = clouds;
      if (c != null) {
        c.close();
      }
      log.atInfo().addKeyValue("millis", (System.nanoTime() - started) / 1_000_000).log("shutdown complete");
    }
  }

  /** What the instance holds in the clouds, closed in order on shutdown. */
  private record Clouds(PubSubClients clients, Firestore db, PubSubIngress ingress, EgressSubscription egress, HeartbeatLoop heartbeat) {
    void close() {
      heartbeat.close();
      egress.close();
      try {
        ingress.close();
        db.close();
      } catch (Exception e) {
        log.atWarn().addKeyValue("error", e.toString()).log("client shutdown failed");
      }
      clients.close();
    }
  }

  /** Opens the port (the page is served from here on); the clouds are not connected yet. */
  public static Running start(CloudGatewayConfig config) throws Exception {
    RouterWake routerWake = new RouterWake(config.gateway().gatewayId(), config.routerWakeAfterIdle(), System::nanoTime);
    // The gate closes sockets through the gateway, which is built with the gate: joined once both exist.
    AtomicReference<Gateway> built = new AtomicReference<>();
    ReadinessGate gate = new ReadinessGate(config.readyWait(), routerWake::wake,
        (connectionId, code, reason) -> built.get().closeConnection(connectionId, code, reason));
    Gateway gateway = new Gateway(config.gateway(), gate, Map.of(), new HostSignals(gate::isOpen, routerWake::wake));
    built.set(gateway);
    gateway.start();
    log.atInfo().addKeyValue("gatewayId", config.gateway().gatewayId()).log("serving the page; connecting the clouds");
    return new Running(config, gateway, gate, routerWake);
  }

  public static void main(String[] args) throws Exception {
    Running running;
    try {
      running = start(CloudGatewayConfig.fromEnv(System.getenv()));
    } catch (Exception e) {
      log.atError().setCause(e).log("gateway failed to start");
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(running::close, "shutdown"));
    try {
      running.connectClouds();
    } catch (Exception e) {
      // The clients' own threads would keep a half-started process alive; Cloud Run must see it end.
      // The shutdown hook closes the waiting sockets with 1012: their pages reconnect at once.
      log.atError().setCause(e).log("gateway failed to start");
      System.exit(1);
      return;
    }
    Thread.currentThread().join();
  }
}
