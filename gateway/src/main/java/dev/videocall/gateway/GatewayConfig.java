package dev.videocall.gateway;

import dev.videocall.contract.config.EnvValues;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The gateway's settings, read in one place from an environment map (tests pass their own). Every
 * variable, its default and why is listed in docs/operations.md.
 */
public record GatewayConfig(
    int port,
    String gatewayId,
    List<String> allowedOrigins,
    boolean allowMissingOrigin,
    int maxFrameBytes,
    double frameRatePerSecond,
    int frameBurst,
    int maxDroppedFramesBeforeClose,
    int maxConnections,
    int maxNewConnectionsPerAddressPerMinute,
    boolean trustForwardedFor,
    int maxQueuedFramesPerConnection,
    int maxQueuedBytesPerConnection,
    Duration pingInterval,
    Duration idleTimeout,
    Duration shutdownGrace,
    String inviteSigningKeys,
    String createCallUrl) {

  /** Far above any real SDP (3–10 KB) yet small enough that a flood of them is cheap to refuse. */
  public static final int DEFAULT_MAX_FRAME_BYTES = 64 * 1024;
  /** Signaling is bursty but slow: a call's start sends ~30 candidates, then almost nothing. */
  public static final double DEFAULT_FRAME_RATE = 20;
  /** Room for the initial burst of ICE candidates and an offer/answer pair. */
  public static final int DEFAULT_FRAME_BURST = 100;
  /** A client that keeps sending after being told it is rate limited is closed (4008). */
  public static final int DEFAULT_MAX_DROPPED_FRAMES = 50;
  /** One instance holds this many sockets; Cloud Run's per-instance concurrency should match. */
  public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
  /** A person reconnects a few times a minute at most; a script opening hundreds is refused (429). */
  public static final int DEFAULT_NEW_CONNECTIONS_PER_ADDRESS_PER_MINUTE = 30;
  /** A browser that does not read its socket must not make the server buffer without limit. */
  public static final int DEFAULT_MAX_QUEUED_FRAMES = 1024;
  /**
   * The same in payload bytes (UTF-8, see {@code Outbound}): a real call has a few offers and
   * candidates in flight, tens of kilobytes; 1 MiB is about fifteen of the largest frames, while the
   * frame cap alone let a non-reader hold 1,024 of them (about 30 MB in the attack run).
   */
  public static final int DEFAULT_MAX_QUEUED_BYTES = 1024 * 1024;
  /** Below the usual 30–60 s idle cut of proxies and load balancers. */
  public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(25);
  /** Three missed pings: the peer is gone even if TCP has not noticed. */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(75);
  /** Cloud Run sends SIGKILL 10 s after SIGTERM; close everything well before. */
  public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(3);
  /**
   * After the server sends its close frame, how long the client has to answer it before the TCP
   * connection is dropped: a browser answers within one round trip, even on a slow mobile link; a
   * client that ignores the close (a flooder) holds its socket no longer than this. Below the default
   * shutdown grace, so a shutdown waits for these drops.
   */
  public static final Duration CLOSE_GRACE = Duration.ofSeconds(2);

  /**
   * Buffers of each size Jetty's pool keeps (4 MiB of heap and as much direct memory at most): twice
   * Jetty's threads, as many as can be reading or writing at one moment; Jetty's default keeps up to an
   * eighth of the heap, so what a burst of sockets had read stayed after they were gone.
   */
  public static final int POOLED_BUFFERS_PER_SIZE = 32;

  /** Where the page creates calls unless told otherwise: the embedded default's own endpoint. */
  public static final String DEFAULT_CREATE_CALL_URL = "/api/calls";

  public GatewayConfig {
    if (!createCallUrl.matches("/[^/].*|https?://[^/?#]+(/.*)?")) {
      throw new IllegalArgumentException("CREATE_CALL_URL must be a path on this site or an http(s) URL, got: " + createCallUrl);
    }
  }

  public static GatewayConfig fromEnv(Map<String, String> env) {
    return new GatewayConfig(
        EnvValues.intValue(env, "PORT", 8080),
        EnvValues.string(env, "GATEWAY_ID", defaultGatewayId(env)),
        EnvValues.list(env, "ALLOWED_ORIGINS", List.of()),
        EnvValues.bool(env, "ALLOW_MISSING_ORIGIN", false),
        EnvValues.intValue(env, "MAX_FRAME_BYTES", DEFAULT_MAX_FRAME_BYTES),
        EnvValues.doubleValue(env, "FRAME_RATE_PER_SECOND", DEFAULT_FRAME_RATE),
        EnvValues.intValue(env, "FRAME_BURST", DEFAULT_FRAME_BURST),
        EnvValues.intValue(env, "MAX_DROPPED_FRAMES", DEFAULT_MAX_DROPPED_FRAMES),
        EnvValues.intValue(env, "MAX_CONNECTIONS", DEFAULT_MAX_CONNECTIONS),
        EnvValues.intValue(env, "MAX_NEW_CONNECTIONS_PER_ADDRESS_PER_MINUTE", DEFAULT_NEW_CONNECTIONS_PER_ADDRESS_PER_MINUTE),
        EnvValues.bool(env, "TRUST_FORWARDED_FOR", false),
        EnvValues.intValue(env, "MAX_QUEUED_FRAMES", DEFAULT_MAX_QUEUED_FRAMES),
        EnvValues.intValue(env, "MAX_QUEUED_BYTES", DEFAULT_MAX_QUEUED_BYTES),
        EnvValues.seconds(env, "PING_INTERVAL_SECONDS", DEFAULT_PING_INTERVAL),
        EnvValues.seconds(env, "IDLE_TIMEOUT_SECONDS", DEFAULT_IDLE_TIMEOUT),
        EnvValues.seconds(env, "SHUTDOWN_GRACE_SECONDS", DEFAULT_SHUTDOWN_GRACE),
        EnvValues.optional(env, "INVITE_SIGNING_KEYS"),
        EnvValues.string(env, "CREATE_CALL_URL", DEFAULT_CREATE_CALL_URL));
  }

  /** The origin the page must be allowed to fetch from to create calls, or null when it is this site. */
  String createCallOrigin() {
    if (createCallUrl.startsWith("/")) {
      return null;
    }
    URI uri = URI.create(createCallUrl);
    return uri.getScheme() + "://" + uri.getRawAuthority();
  }

  /** The same settings with the door checking links signed by these keys (the embedded default's own). */
  public GatewayConfig withInviteSigningKeys(String keySpec) {
    return new GatewayConfig(
        port, gatewayId, allowedOrigins, allowMissingOrigin, maxFrameBytes, frameRatePerSecond, frameBurst,
        maxDroppedFramesBeforeClose, maxConnections, maxNewConnectionsPerAddressPerMinute, trustForwardedFor,
        maxQueuedFramesPerConnection, maxQueuedBytesPerConnection, pingInterval, idleTimeout, shutdownGrace, keySpec, createCallUrl);
  }

  /** Cloud Run gives no instance id in the environment; a random suffix makes each process unique. */
  private static String defaultGatewayId(Map<String, String> env) {
    byte[] bytes = new byte[6];
    new SecureRandom().nextBytes(bytes);
    String revision = EnvValues.string(env, "K_REVISION", "gw");
    return revision + "-" + HexFormat.of().formatHex(bytes);
  }
}
