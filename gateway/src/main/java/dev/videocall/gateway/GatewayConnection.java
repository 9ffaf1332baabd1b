package dev.videocall.gateway;

import dev.videocall.contract.Delivery;
import dev.videocall.contract.Envelope;
import dev.videocall.contract.Envelope.Event;
import dev.videocall.contract.EnvelopeSink;
import dev.videocall.contract.protocol.CloseCode;
import dev.videocall.contract.protocol.ErrorCode;
import dev.videocall.contract.protocol.ServerFrames;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OpCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One browser's WebSocket: forwards open, each text message and close to the ingress port, numbered
 * in order; sends what egress delivers. It never looks inside a message.
 *
 * <p>Once the server decides to end the connection (rate limit 4008, binary 1003, not UTF-8 1007,
 * too big 1009, slow reader 1013,
 * replaced 4004, ingress failure 1011, shutdown 1012) the decision is final: nothing more the client
 * sends is forwarded or logged, the decision is logged once, and if the client has not completed the
 * close handshake within {@link GatewayConfig#CLOSE_GRACE} the TCP connection is dropped.
 */
final class GatewayConnection extends FrameEndpoint {
  private static final Logger log = LoggerFactory.getLogger(GatewayConnection.class);

  /** Sent when a frame is dropped for exceeding the rate budget: a transport notice, not signaling. */
  static final String RATE_LIMITED_FRAME = ServerFrames.error(ErrorCode.RATE_LIMITED, "too many messages; slow down");

  private final String connectionId;
  private final String gatewayId;
  private final String userId;
  private final String peerId;
  private final String token;
  /** Sent with the open, then let go: a browser's is a hundred bytes or more, kept for nothing. */
  private String userAgent;
  private final EnvelopeSink ingress;
  private final ConnectionRegistry registry;
  private final FrameRateLimiter rateLimiter;
  private final DeliveryDeduplicator dedup = new DeliveryDeduplicator();
  private final IncomingText incoming;
  private final int maxQueuedFrames;
  private final int maxQueuedBytes;
  private final ScheduledExecutorService timers;
  private final AtomicLong seq = new AtomicLong();
  /** Set once, when the server decides to close; from then on the client is not heard. */
  private final AtomicBoolean closing = new AtomicBoolean();
  private volatile boolean closed;
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
      int maxMessageBytes,
      int maxQueuedFrames,
      int maxQueuedBytes,
      ScheduledExecutorService timers) {
    this.connectionId = connectionId;
    this.gatewayId = gatewayId;
    this.userId = userId;
    this.peerId = peerId;
    this.token = token;
    this.userAgent = userAgent;
    this.ingress = ingress;
    this.registry = registry;
    this.rateLimiter = rateLimiter;
    this.incoming = new IncomingText(maxMessageBytes);
    this.maxQueuedFrames = maxQueuedFrames;
    this.maxQueuedBytes = maxQueuedBytes;
    this.timers = timers;
  }

  String id() {
    return connectionId;
  }

  long queuedBytes() {
    Outbound out = outbound;
    return out == null ? 0 : out.queuedBytes();
  }

  @Override
  void opened(CoreSession session) {
    this.outbound = new Outbound(session, maxQueuedFrames, maxQueuedBytes);
    // Registered before the open is forwarded: an in-process core answers at once.
    registry.add(this);
    forward(Event.OPEN, null, null);
  }

  /**
   * Every data frame, as Jetty parses it (control frames are {@link FrameEndpoint}'s). Text messages
   * are made here ({@link IncomingText}) from Jetty's buffer, in one copy.
   */
  @Override
  void data(Frame frame) {
    if (closing.get()) {
      return;
    }
    switch (frame.getOpCode()) {
      case OpCode.CONTINUATION -> text(frame, false);
      case OpCode.TEXT -> text(frame, true);
      case OpCode.BINARY -> end(CloseCode.BINARY_NOT_ACCEPTED, "text frames only", "binary frame");
      default -> { }
    }
  }

  private void text(Frame frame, boolean first) {
    String message;
    try {
      message = incoming.accept(frame.getPayload(), first, frame.isFin());
    } catch (IncomingText.Refused refused) {
      end(refused.code(), refused.getMessage(), refused.getMessage());
      return;
    }
    if (message == null) {
      return;
    }
    switch (rateLimiter.onFrame(System.nanoTime())) {
      case FORWARD -> forward(Event.FRAME, message, null);
      case DROP -> send(RATE_LIMITED_FRAME);
      case CLOSE -> end(CloseCode.RATE_LIMITED, "rate limited", "frame rate budget exceeded");
    }
  }

  @Override
  void closed(int code, String reason) {
    closed = true;
    if (registry.remove(this)) {
      forward(Event.CLOSE, null, code);
    }
    log.atDebug().addKeyValue("connectionId", connectionId).addKeyValue("code", code).log("closed");
  }

  @Override
  void failed(Throwable cause) {
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
      send(d.frame());
    }
    if (d.closeCode() != null) {
      // Decided and logged by the core (replaced, bad link, call full).
      end(d.closeCode(), d.closeReason() == null ? "" : d.closeReason(), null);
    }
  }

  /** Keeps proxies from cutting an idle socket; browsers answer pings by themselves. */
  void ping() {
    CoreSession s = session();
    if (s != null && s.isOutputOpen() && !closing.get()) {
      s.sendFrame(new Frame(OpCode.PING), Callback.NOOP, false);
    }
  }

  /** Closes from the gateway's side (shutdown 1012, or an ingress failure reported later: 1011). */
  void close(CloseCode code, String reason) {
    end(code, reason, null);
  }

  private void send(CharSequence frame) {
    Outbound out = outbound;
    if (out != null && !out.send(frame)) {
      // Outbound has queued its own 1013 close; this records the decision and starts the grace.
      end(CloseCode.TRY_AGAIN_LATER, "not reading", "client does not read what it is sent");
    }
  }

  private void end(CloseCode code, String reason, String why) {
    end(code.code(), reason, why);
  }

  /**
   * The server's decision to close, taken once: later frames from the client are ignored, the close
   * frame follows what is already queued, and the TCP connection is dropped if the client has not
   * finished the close handshake within the grace. {@code why} is logged once; null when whoever
   * decided has logged it already.
   */
  private void end(int code, String reason, String why) {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    if (why != null) {
      log.atWarn()
          .addKeyValue("connectionId", connectionId)
          .addKeyValue("gatewayId", gatewayId)
          .addKeyValue("code", code)
          .log("closing: {}", why);
    }
    Outbound out = outbound;
    CoreSession s = session();
    if (out != null && s != null) {
      out.close(code, reason);
      CloseGrace.start(timers, s, () -> closed);
    }
  }

  private void forward(Event event, String payload, Integer closeCode) {
    long n = seq.getAndIncrement();
    Envelope envelope = switch (event) {
      case OPEN -> {
        Envelope open = Envelope.open(connectionId, gatewayId, userId, peerId, token, userAgent);
        userAgent = null;
        yield open;
      }
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
      if (event != Event.CLOSE) {
        end(CloseCode.SERVER_ERROR, "internal error", null);
      }
    }
  }
}
