package dev.videocall.local;

import dev.videocall.contract.invite.InviteTokens;
import dev.videocall.core.CallCreator;
import dev.videocall.core.CallsApi;
import dev.videocall.core.CallsEndpoint;
import dev.videocall.core.GatewayLiveness;
import dev.videocall.core.OwnerKey;
import dev.videocall.core.SignalingRouter;
import dev.videocall.core.memory.InMemoryPresenceStore;
import dev.videocall.gateway.Gateway;
import java.time.Clock;
import java.util.Map;

/**
 * The embedded default: the gateway and the signaling core in one JVM, joined by in-memory adapters.
 * The gateway's ingress hands each envelope to the router on the socket's thread, and the router's
 * deliveries go straight back to the gateway.
 */
public final class LocalStack implements AutoCloseable {
  private final Gateway gateway;
  private final CallCreator callCreator;
  private final LocalConfig config;

  private LocalStack(Gateway gateway, CallCreator callCreator, LocalConfig config) {
    this.gateway = gateway;
    this.callCreator = callCreator;
    this.config = config;
  }

  /** Builds and starts the stack. */
  public static LocalStack start(LocalConfig config) throws Exception {
    return start(config, false);
  }

  /** Builds and starts the stack on the loopback interface only (the warm-up's throwaway copy). */
  static LocalStack startOnLoopback(LocalConfig config) throws Exception {
    return start(config, true);
  }

  private static LocalStack start(LocalConfig config, boolean loopbackOnly) throws Exception {
    Clock clock = Clock.systemUTC();
    InviteTokens tokens = new InviteTokens(config.core().signingKeys());
    CallCreator callCreator = new CallCreator(tokens, config.core().inviteTtl(), clock);
    SignalingRouter router =
        new SignalingRouter(tokens, new InMemoryPresenceStore(), GatewayLiveness.ALWAYS_ALIVE, config.core().iceServers(), clock);
    // The gateway is both ends of the core: envelopes in, deliveries out.
    DirectIngress ingress = new DirectIngress(router);
    Gateway gateway =
        new Gateway(
            config.gateway(),
            ingress,
            Map.of("/api/", new CallsHandler(
                new CallsEndpoint(new CallsApi(callCreator), OwnerKey.of(config.ownerKey()), config.core().callCreationLimiter()),
                config.publicBaseUrl(),
                config.gateway().trustForwardedFor())));
    ingress.deliverTo(gateway);
    if (loopbackOnly) {
      gateway.startOnLoopback();
    } else {
      gateway.start();
    }
    return new LocalStack(gateway, callCreator, config);
  }

  public int port() {
    return gateway.port();
  }

  /** The URL people open: the configured public URL, or localhost on the bound port. */
  public String baseUrl() {
    return config.publicBaseUrl() != null ? config.publicBaseUrl() : "http://localhost:" + port();
  }

  public CallCreator callCreator() {
    return callCreator;
  }

  public boolean signingKeyGenerated() {
    return config.core().signingKeysGenerated();
  }

  public Gateway gateway() {
    return gateway;
  }

  @Override
  public void close() {
    gateway.shutdown();
  }
}
