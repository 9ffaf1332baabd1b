package dev.videocall.gateway.gcp;

import com.google.cloud.firestore.Firestore;
import dev.videocall.contract.protocol.CloseCode;
import dev.videocall.gateway.Gateway;
import dev.videocall.gcp.FirestoreClients;
import dev.videocall.gcp.GatewayHeartbeats;
import dev.videocall.gcp.PubSubClients;
import java.time.Clock;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway on Google Cloud (Cloud Run, or locally against the emulators): WebSocket events go to
 * the ingress topic, this instance's egress subscription feeds deliveries back, and a heartbeat in
 * Firestore tells the functions the instance is alive. Start-up retries Pub/Sub and Firestore within
 * its budget before it opens the port. On SIGTERM it closes every connection with 1012, deletes its
 * subscription and exits well within Cloud Run's 10 s. The one place this process reads its
 * environment ({@link CloudGatewayConfig}).
 */
public final class GatewayMain {
  private static final Logger log = LoggerFactory.getLogger(GatewayMain.class);

  private GatewayMain() {}

  /** A running cloud gateway; {@link #close()} is the SIGTERM path. */
  public static final class Running implements AutoCloseable {
    private final Gateway gateway;
    private final PubSubIngress ingress;
    private final EgressSubscription egress;
    private final HeartbeatLoop heartbeat;
    private final PubSubClients clients;
    private final Firestore db;

    Running(Gateway gateway, PubSubIngress ingress, EgressSubscription egress, HeartbeatLoop heartbeat,
        PubSubClients clients, Firestore db) {
      this.gateway = gateway;
      this.ingress = ingress;
      this.egress = egress;
      this.heartbeat = heartbeat;
      this.clients = clients;
      this.db = db;
    }

    public Gateway gateway() {
      return gateway;
    }

    @Override
    public void close() {
      long started = System.nanoTime();
      gateway.shutdown(); // 1012 to everyone; their closes are published before the publisher stops
      heartbeat.close();
      egress.close();
      try {
        ingress.close();
        db.close();
      } catch (Exception e) {
        log.atWarn().addKeyValue("error", e.toString()).log("client shutdown failed");
      }
      clients.close();
      log.atInfo().addKeyValue("millis", (System.nanoTime() - started) / 1_000_000).log("shutdown complete");
    }
  }

  public static Running start(CloudGatewayConfig config) throws Exception {
    PubSubClients clients = new PubSubClients(config.cloud());
    Firestore db = FirestoreClients.create(config.cloud());
    // Under request-based billing the heartbeat and the egress stream stop while no socket is open;
    // the first connection after that wakes them before its open goes on. The gateway is built with
    // this sink, the parts behind it need the gateway: they are built next and joined by wake.start.
    WakeOnFirstOpen wake = new WakeOnFirstOpen(config.egressRenewAfterIdle(), System::nanoTime);
    Gateway gateway = new Gateway(config.gateway(), wake, Map.of());
    PubSubIngress ingress =
        new PubSubIngress(
            clients.orderedPublisher(config.cloud().ingressTopic()),
            (connectionId, error) -> gateway.closeConnection(connectionId, CloseCode.SERVER_ERROR, "internal error"));
    EgressSubscription egress = new EgressSubscription(clients, config.egressSubscription(), config.gateway().gatewayId(), gateway);
    HeartbeatLoop heartbeat = new HeartbeatLoop(
        new GatewayHeartbeats(db), config.gateway().gatewayId(), gateway::openConnections, Clock.systemUTC(), config.heartbeatInterval());
    wake.start(ingress, heartbeat::beatIfStale, egress::renew);
    // Subscribe and beat before accepting anyone: a welcome must have somewhere to arrive, and the
    // functions must see this instance alive. Both may be refused for a while on a first deployment.
    StartupRetry retry = new StartupRetry(config.startupTimeout());
    retry.run("create egress subscription", egress::create);
    retry.run("start egress subscriber", egress::startReceiving);
    retry.run("first heartbeat", heartbeat::beatNow);
    heartbeat.start();
    gateway.start();
    return new Running(gateway, ingress, egress, heartbeat, clients, db);
  }

  public static void main(String[] args) throws Exception {
    Running running;
    try {
      running = start(CloudGatewayConfig.fromEnv(System.getenv()));
    } catch (Exception e) {
      // The clients' own threads would keep a half-started process alive; Cloud Run must see it end.
      log.atError().setCause(e).log("gateway failed to start");
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(running::close, "shutdown"));
    Thread.currentThread().join();
  }
}
