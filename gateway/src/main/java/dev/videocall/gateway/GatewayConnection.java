package dev.videocall.gateway;

import dev.videocall.contract.Delivery;
import dev.videocall.contract.Envelope;
import dev.videocall.contract.Envelope.Event;
import dev.videocall.contract.EnvelopeSink;
import dev.videocall.contract.protocol.CloseCode;
import dev.videocall.contract.protocol.ErrorCode;
import dev.videocall.contract.protocol.ServerFrames;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One browser's WebSocket (public only because Jetty invokes its callbacks reflectively): forwards open, each text frame and close to the ingress port, numbered in
 * order; sends what egress delivers. It never looks inside a frame.
 */
public final class GatewayConnection implements Session.Listener.AutoDemanding {
  private static final Logger log = LoggerFactory.getLogger(GatewayConnection.class);

  /** Sent when a frame is dropped for exceeding the rate budget: a transport notice, not signaling. */
  static final String RATE_LIMITED_FRAME = ServerFrames.error(ErrorCode.RATE_LIMITED, "too many messages; slow down");

  private final String connectionId;
  private final String gatewayId;
  private final String userId;
  private final String peerId;
  private final String token;
  private final String userAgent;
  private final EnvelopeSink ingress;
  private final ConnectionRegistry registry;
  private final FrameRateLimiter rateLimiter;
  private final DeliveryDeduplicator dedup = new DeliveryDeduplicator();
  private final int maxQueuedFrames;
  private final AtomicLong seq = new AtomicLong();
  private volatile Session session;
  private volatile Outbound outbound;

  GatewayConnection(
      String connectionId,
      String gatewayId,
      String userId,
      String peerId,
      String token,
      String userAgent,
      EnvelopeSink ingress,
      ConnectionRegistry registry,
      FrameRateLimiter rateLimiter,
      int maxQueuedFrames) {
    this.connectionId = connectionId;
    this.gatewayId = gatewayId;
    this.userId = userId;
    this.peerId = peerId;
    this.token = token;
    this.userAgent = userAgent;
    this.ingress = ingress;
    this.registry = registry;
    this.rateLimiter = rateLimiter;
    this.maxQueuedFrames = maxQueuedFrames;
  }

  String id() {
    return connectionId;
  }

  @Override
  public void onWebSocketOpen(Session session) {
    this.session = session;
    this.outbound = new Outbound(session, maxQueuedFrames);
    // Registered before the open is forwarded: an in-process core answers at once.
    registry.add(this);
    forward(Event.OPEN, null, null);
  }

  @Override
  public void onWebSocketText(String text) {
    switch (rateLimiter.onFrame(System.nanoTime())) {
      case FORWARD -> forward(Event.FRAME, text, null);
      case DROP -> outbound.send(RATE_LIMITED_FRAME);
      case CLOSE -> {
        logClose(CloseCode.RATE_LIMITED, "frame rate budget exceeded");
        outbound.close(CloseCode.RATE_LIMITED.code(), "rate limited");
      }
    }
  }

  @Override
  public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
    callback.succeed();
    logClose(CloseCode.BINARY_NOT_ACCEPTED, "binary frame");
    outbound.close(CloseCode.BINARY_NOT_ACCEPTED.code(), "text frames only");
  }

  @Override
  public void onWebSocketClose(int statusCode, String reason) {
    if (registry.remove(this)) {
      forward(Event.CLOSE, null, statusCode);
    }
    log.atDebug().addKeyValue("connectionId", connectionId).addKeyValue("code", statusCode).log("closed");
  }

  @Override
  public void onWebSocketError(Throwable cause) {
    log.atInfo()
        .addKeyValue("connectionId", connectionId)
        .addKeyValue("gatewayId", gatewayId)
        .addKeyValue("error", String.valueOf(cause.getMessage()))
        .log("websocket error");
  }

  /** Sends what egress delivered, once, in order; closes when asked. */
  void deliver(Delivery d) {
    Outbound out = outbound;
    if (out == null || !dedup.firstTime(d)) {
      return;
    }
    if (d.frame() != null) {
      out.send(d.frame());
    }
    if (d.closeCode() != null) {
      out.close(d.closeCode(), d.closeReason() == null ? "" : d.closeReason());
    }
  }

  /** Keeps proxies from cutting an idle socket; browsers answer pings by themselves. */
  void ping() {
    Session s = session;
    if (s != null && s.isOpen()) {
      s.sendPing(ByteBuffer.allocate(0), Callback.NOOP);
    }
  }

  /** Closes from the gateway's side (shutdown). */
  void close(int code, String reason) {
    Outbound out = outbound;
    if (out != null) {
      out.close(code, reason);
    }
  }

  private void forward(Event event, String payload, Integer closeCode) {
    long n = seq.getAndIncrement();
    Envelope envelope = switch (event) {
      case OPEN -> Envelope.open(connectionId, gatewayId, userId, peerId, token, userAgent);
      case FRAME -> Envelope.frame(connectionId, gatewayId, n, userId, peerId, token, payload);
      case CLOSE -> Envelope.close(connectionId, gatewayId, n, userId, peerId, token, closeCode);
    };
    try {
      ingress.accept(envelope);
    } catch (RuntimeException e) {
      log.atError()
          .setCause(e)
          .addKeyValue("connectionId", connectionId)
          .addKeyValue("gatewayId", gatewayId)
          .addKeyValue("code", CloseCode.SERVER_ERROR.code())
          .log("ingress failed; closing the connection");
      if (event != Event.CLOSE && outbound != null) {
        outbound.close(CloseCode.SERVER_ERROR.code(), "internal error");
      }
    }
  }

  private void logClose(CloseCode code, String why) {
    log.atWarn()
        .addKeyValue("connectionId", connectionId)
        .addKeyValue("gatewayId", gatewayId)
        .addKeyValue("code", code.code())
        .log("closing: {}", why);
  }
}
