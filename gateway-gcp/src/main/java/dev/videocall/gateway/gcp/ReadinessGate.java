package dev.videocall.gateway.gcp;

import dev.videocall.contract.Envelope;
import dev.videocall.contract.EnvelopeSink;
import dev.videocall.contract.protocol.CloseCode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where sockets wait while the instance starts. The cloud gateway serves its page as soon as Jetty
 * listens and starts its clouds beside it (clients, the egress subscription, the first heartbeat); a
 * socket that opens before they are ready has its events held here, in order, and handed on once
 * {@link #open} is called: a welcome needs the subscription to arrive by, and the functions must see
 * the instance's heartbeat before anything of the socket reaches them.
 *
 * <p>Bounded: a socket waits at most the configured time (then it is closed with 1013, try again
 * later, and the page reconnects with backoff), and holds at most {@link #MAX_HELD_PER_CONNECTION}
 * events (the page sends nothing before its welcome; a client that does is closed the same way). A
 * socket that ends while it waits never reached the router, so nothing of it is handed on, its close
 * included.
 */
final class ReadinessGate implements EnvelopeSink {
  private static final Logger log = LoggerFactory.getLogger(ReadinessGate.class);
  /** The page sends nothing before its welcome: a few pings' worth of room is plenty. */
  static final int MAX_HELD_PER_CONNECTION = 32;

  /** How a connection that waited too long is closed ({@code Gateway.closeConnection}). */
  @FunctionalInterface
  interface Closer {
    void close(String connectionId, CloseCode code, String reason);
  }

  private final Duration maxWait;
  private final Runnable onHeldOpen;
  private final Closer closer;
  private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
    Thread t = new Thread(r, "ready-wait");
    t.setDaemon(true);
    return t;
  });
  /** Null until ready; then every envelope goes straight on. */
  private volatile EnvelopeSink next;
  /** Each waiting connection's events, in the order the connections opened; guarded by this. */
  private final Map<String, List<Envelope>> held = new LinkedHashMap<>();
  /** Connections closed for waiting too long: nothing of them ever goes on, their close included. */
  private final Set<String> turnedAway = ConcurrentHashMap.newKeySet();

  /**
   * @param maxWait how long a socket waits for the instance to be ready
   * @param onHeldOpen told (outside any lock) each time an open has to wait: someone is about to join
   * @param closer closes a connection that waited too long
   */
  ReadinessGate(Duration maxWait, Runnable onHeldOpen, Closer closer) {
    this.maxWait = maxWait;
    this.onHeldOpen = onHeldOpen;
    this.closer = closer;
    timer.setRemoveOnCancelPolicy(true);
  }

  /** Whether the instance is ready (what {@code /healthz} reports as {@code ok}). */
  boolean isOpen() {
    return next != null;
  }

  @Override
  public void accept(Envelope envelope) {
    EnvelopeSink n = next;
    if (n == null) {
      Held outcome;
      synchronized (this) {
        n = next;
        outcome = n == null ? hold(envelope) : null;
      }
      if (outcome != null) {
        // Outside the lock: waking only asks for a publish, closing only asks Jetty for a close frame.
        switch (outcome) {
          case WAITS -> onHeldOpen.run();
          case TURNED_AWAY -> close(envelope.connectionId());
          case KEPT -> { }
        }
        return;
      }
    }
    pass(n, envelope);
  }

  /**
   * Ready: hands on what waited, each connection's events in order, then everything as it comes. An
   * envelope that arrives meanwhile waits for the lock and goes after what was held.
   */
  synchronized void open(EnvelopeSink sink) {
    int connections = held.size();
    for (List<Envelope> events : held.values()) {
      for (Envelope e : events) {
        pass(sink, e);
      }
    }
    held.clear();
    next = sink;
    timer.shutdownNow();
    if (connections > 0) {
      log.atInfo().addKeyValue("connections", connections).log("ready: sockets that waited are served");
    }
  }

  private void pass(EnvelopeSink sink, Envelope e) {
    if (!turnedAway.isEmpty() && turnedAway.contains(e.connectionId())) {
      if (e.event() == Envelope.Event.CLOSE) {
        turnedAway.remove(e.connectionId());
      }
      return;
    }
    sink.accept(e);
  }

  /** What holding an envelope did. */
  private enum Held {
    /** An open that now waits. */
    WAITS,
    /** Kept, or dropped with its connection. */
    KEPT,
    /** Its connection sent too much while waiting and is to be closed. */
    TURNED_AWAY
  }

  /** Called with the lock held, before ready. */
  private Held hold(Envelope e) {
    String id = e.connectionId();
    switch (e.event()) {
      case OPEN -> {
        held.put(id, new ArrayList<>(List.of(e)));
        timer.schedule(() -> waitedTooLong(id), maxWait.toNanos(), TimeUnit.NANOSECONDS);
        log.atInfo().addKeyValue("connectionId", id).log("socket waits for the instance to be ready");
        return Held.WAITS;
      }
      case FRAME -> {
        List<Envelope> events = held.get(id);
        if (events != null && events.size() >= MAX_HELD_PER_CONNECTION) {
          turnAway(id, "sent too much before the instance was ready");
          return Held.TURNED_AWAY;
        }
        if (events != null) {
          events.add(e);
        }
        return Held.KEPT;
      }
      case CLOSE -> {
        // Ended while waiting: the router never heard of it, so it hears nothing now either.
        if (held.remove(id) == null) {
          turnedAway.remove(id);
        }
        return Held.KEPT;
      }
      default -> {
        return Held.KEPT;
      }
    }
  }

  private void waitedTooLong(String id) {
    synchronized (this) {
      if (next != null || !held.containsKey(id)) {
        return;
      }
      turnAway(id, "the instance was not ready within " + maxWait.toMillis() + " ms");
    }
    close(id);
  }

  /** With the lock held: drops what waited; nothing of the connection goes on from now. */
  private void turnAway(String id, String why) {
    held.remove(id);
    turnedAway.add(id);
    log.atWarn().addKeyValue("connectionId", id).addKeyValue("code", CloseCode.TRY_AGAIN_LATER.code()).log("closing: {}", why);
  }

  /** 1013, try again later: the page reconnects with backoff (docs/protocol.md, "Close codes"). */
  private void close(String id) {
    closer.close(id, CloseCode.TRY_AGAIN_LATER, "starting");
  }
}
