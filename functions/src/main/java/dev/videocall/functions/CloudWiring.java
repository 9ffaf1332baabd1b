package dev.videocall.functions;

import com.google.cloud.firestore.Firestore;
import dev.videocall.contract.invite.InviteTokens;
import dev.videocall.core.CallCreator;
import dev.videocall.core.CallsApi;
import dev.videocall.core.CallsEndpoint;
import dev.videocall.core.CoreConfig;
import dev.videocall.core.GhostSweeper;
import dev.videocall.core.OwnerKey;
import dev.videocall.core.SignalingRouter;
import dev.videocall.functions.gcp.FirestoreGatewayLiveness;
import dev.videocall.functions.gcp.FirestorePresenceStore;
import dev.videocall.functions.gcp.FirestoreWarmUp;
import dev.videocall.functions.gcp.PubSubEgress;
import dev.videocall.gcp.CloudConfig;
import dev.videocall.gcp.FirestoreClients;
import dev.videocall.gcp.GatewayHeartbeats;
import dev.videocall.gcp.PubSubClients;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * The functions' real collaborators, built once per instance (the Functions Framework creates
 * function objects with no arguments, so the shared clients live here, not per request). This is the
 * one place the functions read their environment. Each function builds only what it uses, so each
 * deployable needs only its own grants: CreateCall needs the signing key and the owner key and
 * nothing else; the sweeper needs no signing key.
 */
final class CloudWiring {
  private CloudWiring() {}

  private static final Map<String, String> ENV = System.getenv();
  private static final Clock CLOCK = Clock.systemUTC();
  static final FunctionsConfig CONFIG = FunctionsConfig.fromEnv(ENV);

  /** Clients for functions that use Pub/Sub and Firestore. */
  private static final class Cloud {
    static final CloudConfig CLOUD = CloudConfig.fromEnv(ENV);
    static final Firestore DB = FirestoreClients.create(CLOUD);
    static final PubSubEgress EGRESS = egress();
    static final WarmUp WARM_UP = new FirestoreWarmUp(DB);

    private static PubSubEgress egress() {
      try {
        return new PubSubEgress(new PubSubClients(CLOUD).orderedPublisher(CLOUD.egressTopic()));
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
    // "Alive" answers are cached for a tenth of the window, so a burst costs one read per gateway.
    static final SignalingRouter INSTANCE = new SignalingRouter(
        Keys.TOKENS,
        new FirestorePresenceStore(Cloud.DB),
        new FirestoreGatewayLiveness(new GatewayHeartbeats(Cloud.DB), CONFIG.heartbeatWindow(), CONFIG.heartbeatWindow().dividedBy(10)),
        Keys.CORE.iceServers(),
        CLOCK);
  }

  private static final class Calls {
    static final CallsEndpoint INSTANCE = new CallsEndpoint(
        new CallsApi(new CallCreator(Keys.TOKENS, Keys.CORE.inviteTtl(), CLOCK)),
        OwnerKey.of(required(CONFIG.ownerKey(), "OWNER_KEY is required by CreateCall: the key the site's owner creates calls with")),
        Keys.CORE.callCreationLimiter());
  }

  private static String required(String value, String why) {
    if (value == null) {
      throw new IllegalArgumentException(why);
    }
    return value;
  }

  private static final class Sweeper {
    static final GhostSweeper INSTANCE = new GhostSweeper(
        new FirestorePresenceStore(Cloud.DB),
        new FirestoreGatewayLiveness(new GatewayHeartbeats(Cloud.DB), CONFIG.heartbeatWindow(), Duration.ZERO),
        CLOCK);
  }

  static SignalingRouter router() {
    return Router.INSTANCE;
  }

  static PubSubEgress egress() {
    return Cloud.EGRESS;
  }

  /** What the router's wake makes ready: the Firestore client its joins use. */
  static WarmUp warmUp() {
    return Cloud.WARM_UP;
  }

  static CallsEndpoint callsEndpoint() {
    return Calls.INSTANCE;
  }

  static GhostSweeper sweeper() {
    return Sweeper.INSTANCE;
  }
}
