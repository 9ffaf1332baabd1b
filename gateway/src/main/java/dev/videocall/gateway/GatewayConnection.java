package dev.videocall.gateway;

import dev.videocall.contract.Delivery;
import dev.videocall.contract.Envelope;
import dev.videocall.contract.Envelope.Event;
import dev.videocall.contract.EnvelopeSink;
import dev.videocall.contract.protocol.CloseCode;
import dev.videocall.contract.protocol.ErrorCode;
import dev.videocall.contract.protocol.ServerFrames;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.core.exception.CloseException;
import org.eclipse.jetty.websocket.core.messages.StringMessageSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One browser's WebSocket, the listener of Jetty's core WebSocket session: forwards open, each text
 * message and close to the ingress port, numbered in order; sends what egress delivers. It never
 * looks inside a message. Jetty does the protocol: it parses and checks frames (1002), refuses one
 * over the size limit from its header (1009), makes text messages of frames and checks their UTF-8
 * (1009, 1007, through its {@link StringMessageSink}), and carries out the close handshake.
 *
 * <p>Once the server decides to end the connection (rate limit 4008, binary 1003, slow reader 1013,
 * idle 1001, replaced 4004, ingress failure 1011, shutdown 1012) the decision is final: nothing more
 * the client sends is forwarded or logged, the decision is logged once, and if the client has not
 * completed the close handshake within {@link GatewayConfig#CLOSE_GRACE} the TCP connection is
 * dropped.
 */
final class GatewayConnection implements FrameHandler {
  private static final Logger log = LoggerFactory.getLogger(GatewayConnection.class);

  /** Sent when a frame is dropped for exceeding the rate budget: a transport notice, not signaling. */
  static final String RATE_LIMITED_FRAME = ServerFrames.error(ErrorCode.RATE_LIMITED, "too many messages; slow down");

  /** What every connection of a gateway shares, kept once rather than per connection. */
  record Shared(
      String gatewayId,
      EnvelopeSink ingress,
      ConnectionRegistry registry,
      int maxQueuedFrames,
      int maxQueuedBytes,
      ScheduledExecutorService timers) {}

  private final String connectionId;
  private final Shared shared;
  private final String userId;
  private final String peerId;
  private final String token;
  /** Sent with the open, then let go: a browser's is a hundred bytes or more, kept for nothing. */
  private String userAgent;
  private final FrameRateLimiter rateLimiter;
  private final DeliveryDeduplicator dedup = new DeliveryDeduplicator();
  // A field updater rather than an AtomicBoolean: one object fewer per connection.
  private static final AtomicIntegerFieldUpdater<GatewayConnection> CLOSING =
      AtomicIntegerFieldUpdater.newUpdater(GatewayConnection.class, "closing");
  /** The next event's number; guarded by this (forward). */
  private long seq;
  /** Set once, when the server decides to close; from then on the client is not heard. */
  private volatile int closing;
  private volatile boolean closed;
  /** Set with the server's close; run once the socket has ended, so the timer lets go of it. */
  private volatile Runnable cancelGrace;
  /** When the client was last heard from ({@code System.nanoTime()}): see {@link #expireIfIdle}. */
  private volatile long lastHeard = System.nanoTime();
  /** Set when the socket opens, before any frame arrives. */
  private volatile CoreSession session;
  private volatile Outbound outbound;
  /** Jetty's own text message assembly: size limit, UTF-8 check, fragments. Reading thread only. */
  private StringMessageSink messages;

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
    Outbound out = outbound;
    return out == null ? 0 : out.queuedBytes();
  }

  @Override
  public void onOpen(CoreSession coreSession, Callback callback) {
    session = coreSession;
    outbound = new Outbound(coreSession, shared.maxQueuedFrames(), shared.maxQueuedBytes());
    messages = new StringMessageSink(coreSession, args -> {
      message((String) args[0]);
      return null;
    }, true);
    // Registered before the open is forwarded: an in-process core answers at once.
    shared.registry().add(this);
    forward(Event.OPEN, null, null);
    callback.succeeded();
    coreSession.demand();
  }

  /**
   * Every frame Jetty has parsed and checked, one at a time; the next is read once this one is
   * done ({@code demand}). Pings and pongs spend the frame budget like messages, and so does each
   * piece of a fragmented message: a ping within it is answered, a ping or a piece over it ends the
   * socket with 4008, a pong over it is dropped (docs/security.md, "Pings and fragments over the frame budget").
   */
  @Override
  public void onFrame(Frame frame, Callback callback) {
    lastHeard = System.nanoTime();
    byte opcode = frame.getOpCode();
    if (opcode == OpCode.CLOSE) {
      // Jetty answers the client's close once this completes, ends the connection and reports onClosed.
      callback.succeeded();
      return;
    }
    if (closing == 0) {
      switch (opcode) {
        case OpCode.TEXT, OpCode.CONTINUATION -> {
          if (frame.isFin() || rateLimiter.onFrame(System.nanoTime()) == FrameRateLimiter.Verdict.FORWARD) {
            // The sink hands a whole message to message(), and asks for the next frame itself.
            messages.accept(frame, callback);
            return;
          }
          // A piece of a message cannot be dropped alone.
          end(CloseCode.RATE_LIMITED, "rate limited", "frame rate budget exceeded (fragments)");
        }
        case OpCode.BINARY -> end(CloseCode.BINARY_NOT_ACCEPTED, "text frames only", "binary frame");
        case OpCode.PING -> {
          if (rateLimiter.onFrame(System.nanoTime()) == FrameRateLimiter.Verdict.FORWARD) {
            send(new Frame(OpCode.PONG, BufferUtil.copy(frame.getPayload())));
          } else {
            // A ping is owed a pong (RFC 6455, 5.5.2): over the budget the socket ends instead.
            end(CloseCode.RATE_LIMITED, "rate limited", "frame rate budget exceeded (ping)");
          }
        }
        case OpCode.PONG -> {
          // Needs no answer: over the budget it is dropped, and only too many drops close.
          if (rateLimiter.onFrame(System.nanoTime()) == FrameRateLimiter.Verdict.CLOSE) {
            end(CloseCode.RATE_LIMITED, "rate limited", "frame rate budget exceeded (pongs)");
          }
        }
        default -> { }
      }
    }
    callback.succeeded();
    session.demand();
  }

  /** A whole text message, UTF-8 checked and within the size limit. */
  private void message(String message) {
    if (closing != 0) {
      return;
    }
    switch (rateLimiter.onFrame(System.nanoTime())) {
      case FORWARD -> forward(Event.FRAME, message, null);
      case DROP -> send(text(RATE_LIMITED_FRAME));
      case CLOSE -> end(CloseCode.RATE_LIMITED, "rate limited", "frame rate budget exceeded");
    }
  }

  /**
   * Jetty found the client at fault (a frame that breaks RFC 6455, too big, not UTF-8) and is
   * closing with the code it names, or the connection failed; {@link #onClosed} follows.
   */
  @Override
  public void onError(Throwable cause, Callback callback) {
    if (cause instanceof CloseException refusal && CLOSING.compareAndSet(this, 0, 1)) {
      log.atWarn()
          .addKeyValue("connectionId", connectionId)
          .addKeyValue("gatewayId", shared.gatewayId())
          .addKeyValue("code", refusal.getStatusCode())
          .log("closing: {}", refusal.getMessage());
    } else {
      log.atDebug().addKeyValue("connectionId", connectionId).addKeyValue("error", String.valueOf(cause)).log("websocket failed");
    }
    callback.succeeded();
  }

  /**
   * The connection has ended: the close handshake finished, or the connection failed or was dropped.
   * The code is the client's if it sent a close, else the server's when it closed with an error
   * code, else 1006.
   */
  @Override
  public void onClosed(CloseStatus status, Callback callback) {
    synchronized (this) {
      // Under forward's lock: a message still being handled is forwarded before the close, and none after.
      closed = true;
      if (shared.registry().remove(this)) {
        forward(Event.CLOSE, null, status.getCode());
      }
    }
    Runnable cancel = cancelGrace;
    if (cancel != null) {
      cancel.run();
    }
    log.atDebug().addKeyValue("connectionId", connectionId).addKeyValue("code", status.getCode()).log("closed");
    callback.succeeded();
  }

  /** Sends what egress delivered, once, in order; closes when asked. */
  void deliver(Delivery d) {
    if (session == null || !dedup.firstTime(d)) {
      return;
    }
    if (d.frame() != null) {
      send(text(d.frame()));
    }
    if (d.closeCode() != null) {
      // Decided and logged by the core (replaced, bad link, call full).
      end(d.closeCode(), d.closeReason() == null ? "" : d.closeReason(), null);
    }
  }

  /** Keeps proxies from cutting an idle socket; browsers answer pings by themselves. */
  void ping() {
    if (session != null && closing == 0) {
      send(new Frame(OpCode.PING));
    }
  }

  /**
   * Closes with 1001 if the client has sent nothing for {@code idleNanos}, not even a pong to the
   * pings. The gateway's sweep calls this for every connection: Jetty's own idle timeout counts the
   * pings the server sends as activity, so a vanished client would never time out.
   */
  void expireIfIdle(long nowNanos, long idleNanos) {
    if (session != null && closing == 0 && nowNanos - lastHeard >= idleNanos) {
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

  private static Frame text(String message) {
    return new Frame(OpCode.TEXT, true, message);
  }

  private void send(Frame frame) {
    Outbound out = outbound;
    if (out != null && !out.send(frame)) {
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
    CoreSession s = session;
    if (s != null) {
      // The grace first: the socket may end inside close(), and its end cancels the grace.
      cancelGrace = CloseGrace.start(shared.timers(), s, () -> closed);
      s.close(code, reason, Callback.NOOP);
    }
  }

  /**
   * Hands an event to the ingress port, in order: synchronized, and nothing but the close once the
   * connection has ended (a message handled while the connection ended elsewhere is dropped).
   */
  private synchronized void forward(Event event, String payload, Integer closeCode) {
    if (closed && event != Event.CLOSE) {
      return;
    }
    long n = seq++;
    Envelope envelope = switch (event) {
      case OPEN -> {
        // Wall-clock time, so the core can tell which of a person's connections opened later even when
        // their opens are handled out of order on different instances (docs/protocol.md, "Ordering").
        Envelope open = Envelope.open(connectionId, shared.gatewayId(), userId, peerId, token, userAgent, System.currentTimeMillis());
        userAgent = null;
        yield open;
      }
      case FRAME -> Envelope.frame(connectionId, shared.gatewayId(), n, userId, peerId, token, payload);
      case CLOSE -> Envelope.close(connectionId, shared.gatewayId(), n, userId, peerId, token, closeCode);
      case WAKE -> throw new IllegalArgumentException("a connection does not send wakes");
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
