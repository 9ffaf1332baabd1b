package dev.videocall.gateway;

import dev.videocall.contract.Delivery;
import dev.videocall.contract.Envelope;
import dev.videocall.contract.Envelope.Event;
import dev.videocall.contract.EnvelopeSink;
import dev.videocall.contract.protocol.CloseCode;
import dev.videocall.contract.protocol.ErrorCode;
import dev.videocall.contract.protocol.ServerFrames;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
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
final class GatewayConnection implements SocketListener {
  private static final Logger log = LoggerFactory.getLogger(GatewayConnection.class);

  /** Sent when a frame is dropped for exceeding the rate budget: a transport notice, not signaling. */
  static final String RATE_LIMITED_FRAME = ServerFrames.error(ErrorCode.RATE_LIMITED, "too many messages; slow down");

  /** What every connection of a gateway shares, kept once rather than per connection. */
  record Shared(String gatewayId, EnvelopeSink ingress, ConnectionRegistry registry, int maxMessageBytes) {}

  private final String connectionId;
  private final Shared shared;
  private final String userId;
  private final String peerId;
  private final String token;
  /** Sent with the open, then let go: a browser's is a hundred bytes or more, kept for nothing. */
  private String userAgent;
  private final FrameRateLimiter rateLimiter;
  private final DeliveryDeduplicator dedup = new DeliveryDeduplicator();
  /** A fragmented message being gathered; null otherwise (browsers send every message in one frame). */
  private IncomingText fragmented;
  // A field updater rather than an AtomicBoolean: one object fewer per connection.
  private static final AtomicIntegerFieldUpdater<GatewayConnection> CLOSING =
      AtomicIntegerFieldUpdater.newUpdater(GatewayConnection.class, "closing");
  /** The next event's number; guarded by this (forward). */
  private long seq;
  /** Set once, when the server decides to close; from then on the client is not heard. */
  private volatile int closing;
  private volatile boolean closed;
  /** Set when the socket opens, before any frame arrives. */
  private volatile WebSocket socket;

  GatewayConnection(
      String connectionId,
      Shared shared,
      String userId,
      String peerId,
      String token,
      String userAgent,
      FrameRateLimiter rateLimiter) {
    this.connectionId = connectionId;
    this.shared = shared;
    this.userId = userId;
    this.peerId = peerId;
    this.token = token;
    this.userAgent = userAgent;
    this.rateLimiter = rateLimiter;
  }

  String id() {
    return connectionId;
  }

  long queuedBytes() {
    WebSocket s = socket;
    return s == null ? 0 : s.queuedBytes();
  }

  @Override
  public void opened(WebSocket socket) {
    this.socket = socket;
    // Registered before the open is forwarded: an in-process core answers at once.
    shared.registry().add(this);
    forward(Event.OPEN, null, null);
  }

  /**
   * Every data frame (control frames are {@link WebSocket}'s). Text messages are made here
   * ({@link IncomingText}) from the read buffer, in one copy.
   */
  @Override
  public void data(int opcode, byte[] bytes, int offset, int length, boolean fin) {
    if (closing != 0) {
      return;
    }
    switch (opcode) {
      case ClientFrame.CONTINUATION -> text(bytes, offset, length, false, fin);
      case ClientFrame.TEXT -> text(bytes, offset, length, true, fin);
      case ClientFrame.BINARY -> end(CloseCode.BINARY_NOT_ACCEPTED, "text frames only", "binary frame");
      default -> { }
    }
  }

  @Override
  public void refused(Refusal refusal) {
    end(refusal.code(), refusal.getMessage(), refusal.getMessage());
  }

  /** Pings and pongs spend the frame budget like messages (a pong answers each ping only within it). */
  @Override
  public boolean controlFrame() {
    if (closing != 0) {
      return false;
    }
    return switch (rateLimiter.onFrame(System.nanoTime())) {
      case FORWARD -> true;
      case DROP -> false;
      case CLOSE -> {
        end(CloseCode.RATE_LIMITED, "rate limited", "frame rate budget exceeded (control frames)");
        yield false;
      }
    };
  }

  private void text(byte[] bytes, int offset, int length, boolean first, boolean fin) {
    // Each piece of a fragmented message spends the budget too; one cannot be dropped alone.
    if (!fin && rateLimiter.onFrame(System.nanoTime()) != FrameRateLimiter.Verdict.FORWARD) {
      end(CloseCode.RATE_LIMITED, "rate limited", "frame rate budget exceeded (fragments)");
      return;
    }
    String message;
    try {
      if (first && fin) {
        // One frame, already held to the size limit by WebSocket.
        message = IncomingText.whole(bytes, offset, length);
      } else {
        if (fragmented == null) {
          fragmented = new IncomingText(shared.maxMessageBytes());
        }
        message = fragmented.accept(bytes, offset, length, first, fin);
        if (message != null) {
          fragmented = null;
        }
      }
    } catch (Refusal refusal) {
      refused(refusal);
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
  public void closed(int code, String reason) {
    synchronized (this) {
      // Under forward's lock: a frame still being handled is forwarded before the close, and none after.
      closed = true;
      if (shared.registry().remove(this)) {
        forward(Event.CLOSE, null, code);
      }
    }
    log.atDebug().addKeyValue("connectionId", connectionId).addKeyValue("code", code).log("closed");
  }

  /** Sends what egress delivered, once, in order; closes when asked. */
  void deliver(Delivery d) {
    if (socket == null || !dedup.firstTime(d)) {
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
    WebSocket s = socket;
    if (s != null && closing == 0) {
      s.ping();
    }
  }

  /** Closes with 1001 if the client has sent nothing for {@code idleNanos} (WebSocket#expireIfIdle). */
  void expireIfIdle(long nowNanos, long idleNanos) {
    WebSocket s = socket;
    if (s != null && s.expireIfIdle(nowNanos, idleNanos)) {
      log.atInfo()
          .addKeyValue("connectionId", connectionId)
          .addKeyValue("gatewayId", shared.gatewayId())
          .addKeyValue("code", CloseCode.GOING_AWAY.code())
          .log("closing: nothing heard from the client within the idle timeout");
      end(CloseCode.GOING_AWAY, "idle timeout", null);
    }
  }

  /** Closes from the gateway's side (shutdown 1012, or an ingress failure reported later: 1011). */
  void close(CloseCode code, String reason) {
    end(code, reason, null);
  }

  private void send(CharSequence frame) {
    WebSocket s = socket;
    if (s != null && !s.send(frame)) {
      // The socket has queued its own 1013 close; this records the decision and starts the grace.
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
    if (!CLOSING.compareAndSet(this, 0, 1)) {
      return;
    }
    if (why != null) {
      log.atWarn()
          .addKeyValue("connectionId", connectionId)
          .addKeyValue("gatewayId", shared.gatewayId())
          .addKeyValue("code", code)
          .log("closing: {}", why);
    }
    WebSocket s = socket;
    if (s != null) {
      // The socket drops the connection if the client has not finished the close within the grace.
      s.close(code, reason);
    }
  }

  /**
   * Hands an event to the ingress port, in order: synchronized, and nothing but the close once the
   * connection has ended (a frame handled while the connection ended elsewhere is dropped).
   */
  private synchronized void forward(Event event, String payload, Integer closeCode) {
    if (closed && event != Event.CLOSE) {
      return;
    }
    long n = seq++;
    Envelope envelope = switch (event) {
      case OPEN -> {
        Envelope open = Envelope.open(connectionId, shared.gatewayId(), userId, peerId, token, userAgent);
        userAgent = null;
        yield open;
      }
      case FRAME -> Envelope.frame(connectionId, shared.gatewayId(), n, userId, peerId, token, payload);
      case CLOSE -> Envelope.close(connectionId, shared.gatewayId(), n, userId, peerId, token, closeCode);
    };
    try {
      shared.ingress().accept(envelope);
    } catch (RuntimeException e) {
      log.atError()
          .setCause(e)
          .addKeyValue("connectionId", connectionId)
          .addKeyValue("gatewayId", shared.gatewayId())
          .addKeyValue("code", CloseCode.SERVER_ERROR.code())
          .log("ingress failed; closing the connection");
      if (event != Event.CLOSE) {
        end(CloseCode.SERVER_ERROR, "internal error", null);
      }
    }
  }
}
