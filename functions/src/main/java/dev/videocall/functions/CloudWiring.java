package dev.videocall.functions;

import com.google.cloud.firestore.Firestore;
import dev.videocall.core.CallCreator;
import dev.videocall.core.CallsApi;
import dev.videocall.core.CoreConfig;
import dev.videocall.core.GhostSweeper;
import dev.videocall.contract.invite.InviteTokens;
import dev.videocall.core.SignalingRouter;
import dev.videocall.gcp.CloudConfig;
import dev.videocall.gcp.FirestoreClients;
import dev.videocall.gcp.FirestoreGatewayLiveness;
import dev.videocall.gcp.FirestorePresenceStore;
import dev.videocall.gcp.GatewayHeartbeats;
import dev.videocall.gcp.PubSubClients;
import dev.videocall.gcp.PubSubEgress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * The functions' real collaborators, built once per instance from the environment (the Functions
 * Framework creates function objects with no arguments, so the shared clients live here, not per
 * request). Extra variable: {@code HEARTBEAT_WINDOW_SECONDS} (default 30) and {@code PUBLIC_BASE_URL}
 * (the site links start with; required by CreateCall).
 */
final class CloudWiring {
  final SignalingRouter router;
  final PubSubEgress egress;
  final CallsApi callsApi;
  final GhostSweeper sweeper;
  final String publicBaseUrl;

  private CloudWiring(Map<String, String> env) {
    CoreConfig core = CoreConfig.fromEnv(env, false);
    CloudConfig cloud = CloudConfig.fromEnv(env);
    Clock clock = Clock.systemUTC();
    Duration window = Duration.ofSeconds(Long.parseLong(env.getOrDefault("HEARTBEAT_WINDOW_SECONDS", "30")));
    Firestore db = FirestoreClients.create(cloud);
    PubSubClients pubsub = new PubSubClients(cloud);
    try {
      egress = new PubSubEgress(pubsub.orderedPublisher(cloud.egressTopic()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    InviteTokens tokens = new InviteTokens(core.signingKeys());
    FirestorePresenceStore presence = new FirestorePresenceStore(db);
    // Liveness answers are cached for a fraction of the window so a burst costs one read per gateway.
    FirestoreGatewayLiveness liveness =
        new FirestoreGatewayLiveness(new GatewayHeartbeats(db), window, window.dividedBy(10));
    router = new SignalingRouter(tokens, presence, liveness, core.iceServers(), egress, clock);
    callsApi = new CallsApi(new CallCreator(tokens, core.inviteTtl(), clock));
    sweeper = new GhostSweeper(presence, new FirestoreGatewayLiveness(new GatewayHeartbeats(db), window, Duration.ZERO), egress, clock);
    publicBaseUrl = env.get("PUBLIC_BASE_URL");
  }

  private static final class Holder {
    static final CloudWiring INSTANCE = new CloudWiring(System.getenv());
  }

  static CloudWiring instance() {
    return Holder.INSTANCE;
  }
}
