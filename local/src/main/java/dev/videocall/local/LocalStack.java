package dev.videocall.local;

import dev.videocall.core.CallCreator;
import dev.videocall.core.CallsApi;
import dev.videocall.core.CoreConfig;
import dev.videocall.core.GatewayLiveness;
import dev.videocall.contract.invite.InviteTokens;
import dev.videocall.core.SignalingRouter;
import dev.videocall.gateway.Gateway;
import dev.videocall.gateway.GatewayConfig;
import dev.videocall.memory.InMemoryPresenceStore;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The embedded default: the gateway and the signaling core in one JVM, joined by in-memory adapters.
 * The gateway's ingress calls the router directly; the router's egress calls the gateway directly.
 */
public final class LocalStack implements AutoCloseable {
  private final Gateway gateway;
  private final CallsApi callsApi;
  private final String publicBaseUrl;
  private final CoreConfig coreConfig;

  private LocalStack(Gateway gateway, CallsApi callsApi, String publicBaseUrl, CoreConfig coreConfig) {
    this.gateway = gateway;
    this.callsApi = callsApi;
    this.publicBaseUrl = publicBaseUrl;
    this.coreConfig = coreConfig;
  }

  /** Builds and starts the stack from an environment map (see docs/operations.md). */
  public static LocalStack start(Map<String, String> env) throws Exception {
    CoreConfig core = CoreConfig.fromEnv(env, true);
    // The gateway checks links with the same keys before anything reaches the core.
    Map<String, String> gatewayEnv = new java.util.HashMap<>(env);
    gatewayEnv.put("INVITE_SIGNING_KEYS", core.signingKeySpec());
    GatewayConfig gatewayConfig = GatewayConfig.fromEnv(gatewayEnv);
    Clock clock = Clock.systemUTC();
    InviteTokens tokens = new InviteTokens(core.signingKeys());
    CallsApi callsApi = new CallsApi(new CallCreator(tokens, core.inviteTtl(), clock));
    String publicBaseUrl = env.get("PUBLIC_BASE_URL");

    // The two halves refer to each other: the router is set before the gateway accepts anything.
    AtomicReference<SignalingRouter> router = new AtomicReference<>();
    Gateway gateway =
        new Gateway(
            gatewayConfig,
            envelope -> router.get().handle(envelope),
            Map.of("/api/", new CallsHandler(callsApi, publicBaseUrl)));
    router.set(
        new SignalingRouter(
            tokens, new InMemoryPresenceStore(), GatewayLiveness.ALWAYS_ALIVE, core.iceServers(), gateway, clock));
    gateway.start();
    return new LocalStack(gateway, callsApi, publicBaseUrl, core);
  }

  public int port() {
    return gateway.port();
  }

  /** The URL people open: the configured public URL, or localhost on the bound port. */
  public String baseUrl() {
    return publicBaseUrl != null && !publicBaseUrl.isBlank() ? publicBaseUrl : "http://localhost:" + port();
  }

  public CallsApi callsApi() {
    return callsApi;
  }

  public boolean signingKeyGenerated() {
    return coreConfig.signingKeysGenerated();
  }

  public Gateway gateway() {
    return gateway;
  }

  @Override
  public void close() {
    gateway.shutdown();
  }
}
