package dev.videocall.gateway;

import com.google.gson.Gson;
import dev.videocall.contract.Delivery;
import dev.videocall.contract.DeliverySink;
import dev.videocall.contract.Envelope;
import dev.videocall.contract.EnvelopeSink;
import dev.videocall.contract.invite.InviteLinks;
import dev.videocall.contract.invite.InviteTokens;
import dev.videocall.contract.invite.PresentedToken;
import dev.videocall.contract.invite.SigningKeys;
import dev.videocall.contract.protocol.CloseCode;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.core.Configuration;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.core.server.ServerUpgradeResponse;
import org.eclipse.jetty.websocket.core.server.WebSocketServerComponents;
import org.eclipse.jetty.websocket.core.server.WebSocketUpgradeHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thin gateway: accepts WebSockets at {@code /video/connections}, forwards their events to the
 * ingress port, delivers what egress sends, enforces transport limits, and serves the page. It holds
 * no signaling logic.
 */
public final class Gateway implements DeliverySink, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Gateway.class);
  public static final String WEBSOCKET_PATH = "/video/connections";
  /** The page a link opens; its load means someone is about to join. */
  static final String CALL_PAGE = "/video";
  /** Enough for the selector, the acceptor and a dozen workers. */
  static final int MAX_THREADS = 16;
  /**
   * Connections the kernel may hold for the acceptor (the listen backlog; the kernel caps it at
   * {@code net.core.somaxconn}). Jetty leaves it to the JDK, whose 50 overflowed when a thousand
   * pairs arrived in two seconds: the kernel dropped connections, and their clients waited a second
   * to try again (docs/performance.md, "Connect and join"). Node's servers use 511.
   */
  static final int ACCEPT_QUEUE = 1024;

  private final GatewayConfig config;
  private final EnvelopeSink ingress;
  private final Map<String, Handler> extraRoutes;
  private final HostSignals host;
  private final ConnectionRegistry registry = new ConnectionRegistry();
  private final OriginPolicy originPolicy;
  private final AddressRateLimiter addressLimiter;
  private final FrameBudgets frameBudgets;
  /** Checks links at the door when the gateway has the signing keys; null means the core alone checks. */
  private final InviteLinks links;
  private final SecureRandom random = new SecureRandom();
  private final SecurityHeaders headers;
  /** {@code GET /config.json}: what the page needs to know about this deployment. */
  private final String pageConfig;
  private final Server server = new Server(threadPool(), null, bufferPool());
  /** Pings, and the disconnects of connections that do not finish a close in time. */
  private final ScheduledExecutorService timers = timers();
  private volatile boolean shuttingDown;
  private final GatewayConnection.Shared connectionShared;
  private ServerConnector connector;

  /**
   * @param extraRoutes path prefix (e.g. {@code /api/}) to handler, for what the host process adds
   *     beside the page (the embedded default's {@code POST /api/calls})
   */
  public Gateway(GatewayConfig config, EnvelopeSink ingress, Map<String, Handler> extraRoutes) {
    this(config, ingress, extraRoutes, HostSignals.ALWAYS_READY);
  }

  /** @param host whether the process is ready, and who hears of call-page loads (the cloud gateway) */
  public Gateway(GatewayConfig config, EnvelopeSink ingress, Map<String, Handler> extraRoutes, HostSignals host) {
    this.config = config;
    this.ingress = ingress;
    this.extraRoutes = Map.copyOf(extraRoutes);
    this.host = host;
    this.originPolicy = new OriginPolicy(config.allowedOrigins(), config.allowMissingOrigin());
    this.headers = new SecurityHeaders(config.createCallOrigin());
    this.pageConfig = new Gson().toJson(Map.of("createCallUrl", config.createCallUrl()));
    this.addressLimiter = new AddressRateLimiter(config.maxNewConnectionsPerAddressPerMinute());
    // Room for everyone connected plus as many who recently left; idle budgets are dropped first.
    this.frameBudgets = new FrameBudgets(config.frameRatePerSecond(), config.frameBurst(), config.maxDroppedFramesBeforeClose(),
        Math.max(1_000, 2 * config.maxConnections()));
    this.connectionShared = new GatewayConnection.Shared(config.gatewayId(), ingress, registry,
        config.maxQueuedFramesPerConnection(), config.maxQueuedBytesPerConnection(), timers);
    this.links =
        config.inviteSigningKeys() == null
            ? null
            : new InviteLinks(new InviteTokens(SigningKeys.parse(config.inviteSigningKeys())));
  }

  /**
   * Jetty's threads: {@link #MAX_THREADS} at most. Nothing the gateway runs on them blocks (the
   * embedded core is in memory, the cloud ingress publishes asynchronously), so a few per core
   * suffice; Jetty's default of 200 let a busy one- or two-core machine start a thread per ready
   * socket, and they spent the core switching between each other (docs/performance.md).
   */
  private static QueuedThreadPool threadPool() {
    QueuedThreadPool pool = new QueuedThreadPool(MAX_THREADS, 4);
    pool.setName("jetty");
    return pool;
  }

  /**
   * Jetty's buffers: sizes in powers of two up to 64 KiB, at most {@link GatewayConfig#POOLED_BUFFERS_PER_SIZE}
   * of each kept, in use or idle (beyond that a buffer is the collector's), so the pool never holds more
   * than 4 MiB of heap and as much direct memory. A cap on memory alone is not enough: Jetty trims an
   * idle surplus only now and then, and skips it while another thread is trimming, so a burst of 500
   * sockets left 13 MB pooled under a 4 MiB cap.
   */
  private static ArrayByteBufferPool bufferPool() {
    return new ArrayByteBufferPool.Quadratic(0, 64 * 1024, GatewayConfig.POOLED_BUFFERS_PER_SIZE, -1, -1);
  }

  /** One thread; a close grace cancelled because its socket ended leaves the queue at once, and with it the socket. */
  private static ScheduledExecutorService timers() {
    ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "ws-timers");
      t.setDaemon(true);
      return t;
    });
    timers.setRemoveOnCancelPolicy(true);
    return timers;
  }

  /** Starts serving on the configured port, on every interface. */
  public void start() throws Exception {
    start(null);
  }

  /** Starts serving on the configured port of the loopback interface only: for a copy nobody else may reach. */
  public void startOnLoopback() throws Exception {
    start("127.0.0.1");
  }

  private void start(String host) throws Exception {
    // Answers do not name the server or its version; every error answer is ours (PlainErrors).
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    // Reads land in heap buffers, like the buffer Jetty gathers a frame in when it spans two reads.
    // With direct read buffers Jetty's frame code saw one buffer class during warm-up and a second
    // when the first spanning frame came, and the JIT threw that code away under load (docs/performance.md).
    http.setUseInputDirectByteBuffers(false);
    connector = new ServerConnector(server, new HttpConnectionFactory(http));
    server.setErrorHandler(new PlainErrors(headers));
    connector.setPort(config.port());
    connector.setAcceptQueueSize(ACCEPT_QUEUE);
    connector.setHost(host);
    server.addConnector(connector);
    ContextHandler context = new ContextHandler("/");
    // Jetty's core WebSocket layer: GatewayConnection is each socket's listener.
    WebSocketUpgradeHandler websockets = new WebSocketUpgradeHandler(
        WebSocketServerComponents.ensureWebSocketComponents(server, context), handler -> handler.addMapping(WEBSOCKET_PATH, this::upgrade));
    Configuration limits = websockets.getConfiguration();
    // Frames reach GatewayConnection as the client sent them, and one over the limit is refused with
    // 1009 from its header; Jetty's text assembly holds a fragmented message to the same limit.
    limits.setAutoFragment(false);
    limits.setMaxFrameSize(config.maxFrameBytes());
    limits.setMaxTextMessageSize(config.maxFrameBytes());
    // The gateway's sweep (GatewayConnection.expireIfIdle) times sockets out, not Jetty.
    limits.setIdleTimeout(Duration.ZERO);
    websockets.setHandler(new Routes());
    context.setHandler(websockets);
    server.setHandler(context);
    server.setStopTimeout(config.shutdownGrace().toMillis());
    server.start();
    long pingMillis = config.pingInterval().toMillis();
    timers.scheduleAtFixedRate(
        () -> registry.snapshot().forEach(GatewayConnection::ping), pingMillis, pingMillis, TimeUnit.MILLISECONDS);
    // A socket is idle-timed out within a quarter of the timeout of its last byte.
    long idleNanos = config.idleTimeout().toNanos();
    long sweepMillis = Math.max(100, config.idleTimeout().toMillis() / 4);
    timers.scheduleAtFixedRate(() -> {
      long now = System.nanoTime();
      registry.snapshot().forEach(c -> c.expireIfIdle(now, idleNanos));
    }, sweepMillis, sweepMillis, TimeUnit.MILLISECONDS);
    log.atInfo().addKeyValue("gatewayId", config.gatewayId()).addKeyValue("port", port()).log("gateway started");
  }

  public int port() {
    return connector.getLocalPort();
  }

  public String gatewayId() {
    return config.gatewayId();
  }

  public int openConnections() {
    return registry.size();
  }

  /** Sockets held, refused ones included: what {@code MAX_CONNECTIONS} bounds. */
  int openSockets() {
    return registry.sockets();
  }

  /** The payload bytes handed to Jetty for one connection and not yet written ({@code Outbound}; 0 when it is gone). */
  long queuedBytes(String connectionId) {
    GatewayConnection c = registry.get(connectionId);
    return c == null ? 0 : c.queuedBytes();
  }

  /** Sends each delivery to its connection here; one for a connection that is gone is dropped. */
  @Override
  public void deliver(List<Delivery> deliveries) {
    // By index: the list is the core's List.of, and this runs for every relayed message.
    for (int i = 0; i < deliveries.size(); i++) {
      Delivery d = deliveries.get(i);
      GatewayConnection c = registry.get(d.connectionId());
      if (c == null) {
        log.atDebug().addKeyValue("connectionId", d.connectionId()).log("delivery for a connection not here; dropped");
        continue;
      }
      c.deliver(d);
    }
  }

  /** Closes one local connection from the server side (for example when its ingress failed). */
  public void closeConnection(String connectionId, CloseCode code, String reason) {
    GatewayConnection c = registry.get(connectionId);
    if (c != null) {
      c.close(code, reason);
    }
  }

  /**
   * Stops accepting, closes every connection with 1012 so clients reconnect elsewhere, waits briefly
   * for the close handshakes, and stops the server. Idempotent.
   */
  public void shutdown() {
    if (shuttingDown) {
      return;
    }
    shuttingDown = true;
    int open = registry.size();
    registry.snapshot().forEach(c -> c.close(CloseCode.SERVICE_RESTART, "service restart"));
    long deadline = System.nanoTime() + config.shutdownGrace().toNanos();
    while (registry.size() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    timers.shutdownNow();
    try {
      server.stop();
    } catch (Exception e) {
      log.atWarn().setCause(e).log("server stop failed");
    }
    log.atInfo().addKeyValue("gatewayId", config.gatewayId()).addKeyValue("closedConnections", open).log("gateway stopped");
  }

  @Override
  public void close() {
    shutdown();
  }

  /**
   * Decides an upgrade: limits first, then a connection that forwards everything it hears. No
   * extension is agreed: browsers offer permessage-deflate, but signaling frames are small and few,
   * and each socket that agrees to it holds zlib's native state for its life (docs/performance.md
   * measures both); a browser that offered it simply sends uncompressed frames.
   */
  private FrameHandler upgrade(ServerUpgradeRequest request, ServerUpgradeResponse response, Callback callback) {
    response.setExtensions(List.of());
    String origin = request.getHeaders().get(HttpHeader.ORIGIN);
    String host = request.getHeaders().get(HttpHeader.HOST);
    String address = ClientAddress.of(request, config.trustForwardedFor());
    if (!originPolicy.allows(origin, host)) {
      return refuse(request, response, callback, HttpStatus.FORBIDDEN_403, "origin not allowed", address);
    }
    if (shuttingDown || registry.sockets() >= config.maxConnections()) {
      return refuse(request, response, callback, HttpStatus.SERVICE_UNAVAILABLE_503, "instance full or stopping", address);
    }
    if (!addressLimiter.tryAcquire(address, System.currentTimeMillis())) {
      return refuse(request, response, callback, HttpStatus.TOO_MANY_REQUESTS_429, "too many new connections", address);
    }
    Fields query = Request.extractQueryParameters(request);
    String userId = query.getValue("userID");
    // One peerID per other member of the call, in the link's order; the core reads them back from
    // the envelope's one field (Envelope.peerIds()).
    List<String> peerIds = query.getValuesOrEmpty("peerID");
    String peerId = Envelope.joinPeerIds(peerIds);
    // The page offers videocall.v1 and token.<token>; a browser fails the connection unless one of
    // the offered protocols is selected, refusals included (they need the socket for their close code).
    List<String> offered = request.getSubProtocols();
    String subprotocol = PresentedToken.accepted(offered);
    if (subprotocol != null) {
      response.setAcceptedSubProtocol(subprotocol);
    }
    PresentedToken.Result presented = PresentedToken.of(query.getValue("token"), offered);
    if (presented instanceof PresentedToken.Conflicting conflicting) {
      return refuseLink(conflicting.refused(), address);
    }
    String token = ((PresentedToken.Found) presented).token();
    if (links != null
        && links.check(userId, peerIds, token, java.time.Instant.now(), true) instanceof InviteLinks.Refused refused) {
      // A bad link costs nothing downstream: no envelope, no publish, no presence write.
      return refuseLink(refused, address);
    }
    return new GatewayConnection(
        newConnectionId(),
        connectionShared,
        userId,
        peerId,
        token,
        request.getHeaders().get(HttpHeader.USER_AGENT),
        frameBudgets.of(userId, peerId, token, System.nanoTime()));
  }

  /** Logged without the link: its token is a credential, and the detail never contains it. */
  private RefusedConnection refuseLink(InviteLinks.Refused refused, String address) {
    log.atWarn()
        .addKeyValue("gatewayId", config.gatewayId())
        .addKeyValue("code", refused.code().wireCode())
        .addKeyValue("clientAddress", address)
        .log("refused link at the gateway: {}", refused.detail());
    return new RefusedConnection(refused, registry, timers);
  }

  private FrameHandler refuse(
      Request request, Response response, Callback callback, int status, String why, String address) {
    log.atWarn()
        .addKeyValue("gatewayId", config.gatewayId())
        .addKeyValue("status", status)
        .addKeyValue("clientAddress", address)
        .log("upgrade refused: {}", why);
    Response.writeError(request, response, callback, status, why);
    return null;
  }

  private String newConnectionId() {
    byte[] bytes = new byte[15];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** A request that could change something, sent by a browser from a page of another origin. */
  private boolean crossSite(Request request) {
    String method = request.getMethod();
    String origin = request.getHeaders().get(HttpHeader.ORIGIN);
    return !HttpMethod.GET.is(method) && !HttpMethod.HEAD.is(method) && origin != null
        && !originPolicy.allows(origin, request.getHeaders().get(HttpHeader.HOST));
  }

  /** Plain HTTP: health, the page's settings, the host's extra routes, then the page. */
  private final class Routes extends Handler.Abstract {
    private final StaticSite site = new StaticSite(headers);

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
      String path = Request.getPathInContext(request);
      if ("/healthz".equals(path)) {
        // Started is 200 (what Cloud Run's startup probe asks); the body says whether sockets are served at once.
        headers.apply(response);
        response.setStatus(shuttingDown ? HttpStatus.SERVICE_UNAVAILABLE_503 : HttpStatus.OK_200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
        String state = shuttingDown ? "stopping" : host.ready().getAsBoolean() ? "ok" : "starting";
        response.write(true, java.nio.ByteBuffer.wrap(state.getBytes(java.nio.charset.StandardCharsets.US_ASCII)), callback);
        return true;
      }
      if (CALL_PAGE.equals(path) && HttpMethod.GET.is(request.getMethod())) {
        host.callPageServed().run();
      }
      if ("/config.json".equals(path) && HttpMethod.GET.is(request.getMethod())) {
        headers.apply(response);
        response.setStatus(HttpStatus.OK_200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        Content.Sink.write(response, true, pageConfig, callback);
        return true;
      }
      for (var route : extraRoutes.entrySet()) {
        if (path.startsWith(route.getKey())) {
          headers.apply(response);
          if (crossSite(request)) {
            // Another site's page may send a simple POST without a preflight: refuse it unread.
            Response.writeError(request, response, callback, HttpStatus.FORBIDDEN_403);
            return true;
          }
          return route.getValue().handle(request, response, callback);
        }
      }
      if (site.handle(request, response, callback)) {
        return true;
      }
      headers.apply(response);
      Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404);
      return true;
    }
  }
}
