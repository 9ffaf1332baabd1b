package dev.videocall.functions;

import com.google.cloud.firestore.Firestore;
import dev.videocall.contract.invite.InviteTokens;
import dev.videocall.core.CallCreator;
import dev.videocall.core.CallsApi;
import dev.videocall.core.CoreConfig;
import dev.videocall.core.GhostSweeper;
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
 * request). Each function builds only what it uses, so each deployable needs only its own grants:
 * CreateCall needs the signing key and nothing else; the sweeper needs no signing key.
 * Extra variables: {@code HEARTBEAT_WINDOW_SECONDS} (default 30), {@code PUBLIC_BASE_URL}.
 */
final class CloudWiring {
  private CloudWiring() {}

  private static final Map<String, String> ENV = System.getenv();
  private static final Clock CLOCK = Clock.systemUTC();

  /** Clients for functions that use Pub/Sub and Firestore. */
  private static final class Cloud {
    static final CloudConfig CONFIG = CloudConfig.fromEnv(ENV);
    static final Firestore DB = FirestoreClients.create(CONFIG);
    static final PubSubEgress EGRESS = egress();
    static final Duration WINDOW = Duration.ofSeconds(Long.parseLong(ENV.getOrDefault("HEARTBEAT_WINDOW_SECONDS", "30")));

    private static PubSubEgress egress() {
      try {
        return new PubSubEgress(new PubSubClients(CONFIG).orderedPublisher(CONFIG.egressTopic()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private static final class Keys {
    static final CoreConfig CORE = CoreConfig.fromEnv(ENV, false);
    static final InviteTokens TOKENS = new InviteTokens(CORE.signingKeys());
  }

  private static final class Router {
    // Liveness answers are cached for a tenth of the window, so a burst costs one read per gateway.
    static final SignalingRouter INSTANCE = new SignalingRouter(
        Keys.TOKENS,
        new FirestorePresenceStore(Cloud.DB),
        new FirestoreGatewayLiveness(new GatewayHeartbeats(Cloud.DB), Cloud.WINDOW, Cloud.WINDOW.dividedBy(10)),
        Keys.CORE.iceServers(),
        Cloud.EGRESS,
        CLOCK);
  }

  private static final class Calls {
    static final CallsApi INSTANCE = new CallsApi(new CallCreator(Keys.TOKENS, Keys.CORE.inviteTtl(), CLOCK));
  }

  private static final class Sweeper {
    static final GhostSweeper INSTANCE = new GhostSweeper(
        new FirestorePresenceStore(Cloud.DB),
        new FirestoreGatewayLiveness(new GatewayHeartbeats(Cloud.DB), Cloud.WINDOW, Duration.ZERO),
        Cloud.EGRESS,
        CLOCK);
  }

  static SignalingRouter router() {
    return Router.INSTANCE;
  }

  static PubSubEgress egress() {
    return Cloud.EGRESS;
  }

  static CallsApi callsApi() {
    return Calls.INSTANCE;
  }

  static GhostSweeper sweeper() {
    return Sweeper.INSTANCE;
  }

  static String publicBaseUrl() {
    return ENV.get("PUBLIC_BASE_URL");
  }
}
