package dev.videocall.gateway.gcp;

import dev.videocall.gateway.Gateway;
import dev.videocall.gateway.GatewayConfig;
import dev.videocall.gcp.CloudConfig;
import dev.videocall.gcp.FirestoreClients;
import dev.videocall.gcp.GatewayHeartbeats;
import dev.videocall.gcp.PubSubClients;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway on Google Cloud (Cloud Run, or locally against the emulators): WebSocket events go to
 * the ingress topic, this instance's egress subscription feeds deliveries back, and a heartbeat in
 * Firestore tells the functions the instance is alive. On SIGTERM it closes every connection with
 * 1012, deletes its subscription and exits well within Cloud Run's 10 s.
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
    private final com.google.cloud.firestore.Firestore db;

    Running(Gateway gateway, PubSubIngress ingress, EgressSubscription egress, HeartbeatLoop heartbeat,
        PubSubClients clients, com.google.cloud.firestore.Firestore db) {
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

  /** Extra variables: HEARTBEAT_INTERVAL_SECONDS (default 10). See docs/operations.md for the rest. */
  public static Running start(Map<String, String> env) throws Exception {
    GatewayConfig config = GatewayConfig.fromEnv(env);
    CloudConfig cloud = CloudConfig.fromEnv(env);
    Duration heartbeatInterval = Duration.ofMillis((long) (1000 * Double.parseDouble(env.getOrDefault("HEARTBEAT_INTERVAL_SECONDS", "10"))));
    PubSubClients clients = new PubSubClients(cloud);
    var db = FirestoreClients.create(cloud);
    AtomicReference<Gateway> gatewayRef = new AtomicReference<>();
    PubSubIngress ingress =
        new PubSubIngress(
            clients.orderedPublisher(cloud.ingressTopic()),
            (connectionId, error) -> gatewayRef.get().closeConnection(connectionId, StatusCode.SERVER_ERROR, "internal error"));
    Gateway gateway = new Gateway(config, ingress, Map.of());
    gatewayRef.set(gateway);
    // Subscribe and beat before accepting anyone: a welcome must have somewhere to arrive.
    EgressSubscription egress = new EgressSubscription(clients, config.gatewayId(), gateway);
    egress.start();
    HeartbeatLoop heartbeat = new HeartbeatLoop(new GatewayHeartbeats(db), config.gatewayId(), gateway::openConnections, Clock.systemUTC());
    heartbeat.start(heartbeatInterval);
    gateway.start();
    return new Running(gateway, ingress, egress, heartbeat, clients, db);
  }

  public static void main(String[] args) throws Exception {
    Running running = start(System.getenv());
    Runtime.getRuntime().addShutdownHook(new Thread(running::close, "shutdown"));
    Thread.currentThread().join();
  }
}
