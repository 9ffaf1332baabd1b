package dev.videocall.core;

import dev.videocall.contract.invite.SigningKeys;
import dev.videocall.contract.invite.InviteTokens;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.videocall.contract.Delivery;
import dev.videocall.contract.Envelope;
import dev.videocall.contract.Envelope.Event;
import dev.videocall.core.memory.InMemoryPresenceStore;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** A router on in-memory presence that records every delivery it returns, with a settable clock. */
final class CallHarness {
  static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes();

  final AtomicLong nowMillis = new AtomicLong(Instant.parse("2026-11-25T10:00:00Z").toEpochMilli());
  final InstantSource clock = () -> Instant.ofEpochMilli(nowMillis.get());
  final InviteTokens tokens = new InviteTokens(SigningKeys.of("k1", KEY));
  final InMemoryPresenceStore presence = new InMemoryPresenceStore();
  final List<Delivery> deliveries = java.util.Collections.synchronizedList(new ArrayList<>());
  final Map<String, AtomicLong> seqs = new ConcurrentHashMap<>();
  GatewayLiveness liveness = GatewayLiveness.ALWAYS_ALIVE;
  final SignalingRouter router =
      new SignalingRouter(tokens, presence, (g, t) -> liveness.isAlive(g, t), IceServers.stunOnly(List.of("stun:stun.example:3478")), clock);

  /** A browser's link: user, peer (the peerID values joined, as the gateway forwards them) and token. */
  record Link(String user, String peer, String token) {}

  String session = tokens.newSessionId();

  Link link(String user, String peer) {
    return new Link(user, peer, tokens.mint(session, user, peer, clock.instant().plusSeconds(3600)));
  }

  /** A link in a call of three or four: {@code peers} are the others, in the link's order. */
  Link link(String user, List<String> peers) {
    return new Link(user, Envelope.joinPeerIds(peers), tokens.mint(session, user, peers, clock.instant().plusSeconds(3600)));
  }

  /** A socket that opens now (the harness clock), as its gateway stamps it. */
  Envelope open(String conn, String gateway, Link link) {
    return openedAt(conn, gateway, link, nowMillis.get());
  }

  /** The open of a socket that opened at {@code openedAtMillis}, handled now (late, if that is earlier). */
  Envelope openedAt(String conn, String gateway, Link link, long openedAtMillis) {
    return send(new Envelope(
        conn, gateway, Event.OPEN, seq(conn), link.user(), link.peer(), link.token(), null, null, "test-agent", openedAtMillis));
  }

  Envelope frame(String conn, String gateway, Link link, String payload) {
    return send(new Envelope(conn, gateway, Event.FRAME, seq(conn), link.user(), link.peer(), link.token(), List.of(payload), null, null, null));
  }

  /** Several frames in one envelope, as the cloud ingress packs them; numbered as the last. */
  Envelope frames(String conn, String gateway, Link link, String... payloads) {
    long last = 0;
    for (int i = 0; i < payloads.length; i++) {
      last = seq(conn);
    }
    return send(new Envelope(conn, gateway, Event.FRAME, last, link.user(), link.peer(), link.token(), List.of(payloads), null, null, null));
  }

  Envelope close(String conn, String gateway, Link link) {
    return send(new Envelope(conn, gateway, Event.CLOSE, seq(conn), link.user(), link.peer(), link.token(), null, 1001, null, null));
  }

  /** The page closes its socket with 4100 PARKED: the call goes on peer to peer. */
  Envelope park(String conn, String gateway, Link link) {
    return send(new Envelope(conn, gateway, Event.CLOSE, seq(conn), link.user(), link.peer(), link.token(), null, 4100, null, null));
  }

  private Envelope send(Envelope e) {
    deliveries.addAll(router.handle(e));
    return e;
  }

  private long seq(String conn) {
    return seqs.computeIfAbsent(conn, c -> new AtomicLong()).getAndIncrement();
  }

  /** Deliveries to one connection, in order. */
  List<Delivery> to(String conn) {
    synchronized (deliveries) {
      return deliveries.stream().filter(d -> d.connectionId().equals(conn)).toList();
    }
  }

  /** The JSON frames sent to one connection. */
  List<JsonObject> framesTo(String conn) {
    return to(conn).stream().filter(d -> d.frame() != null).map(d -> JsonParser.parseString(d.frame().toString()).getAsJsonObject()).toList();
  }

  JsonObject lastFrameTo(String conn) {
    List<JsonObject> frames = framesTo(conn);
    return frames.isEmpty() ? null : frames.get(frames.size() - 1);
  }

  static String type(JsonObject frame) {
    return frame.get("type").getAsString();
  }
}
