package dev.videocall.core;

import dev.videocall.contract.ConnectionRef;
import dev.videocall.contract.Delivery;
import dev.videocall.contract.Envelope;
import dev.videocall.contract.invite.InviteLinks;
import dev.videocall.contract.invite.InviteTokens;
import dev.videocall.contract.protocol.CloseCode;
import dev.videocall.contract.protocol.ErrorCode;
import dev.videocall.contract.protocol.LeaveReason;
import dev.videocall.contract.protocol.MessageType;
import dev.videocall.contract.protocol.ServerFrames;
import dev.videocall.core.FrameValidator.Accepted;
import dev.videocall.core.FrameValidator.Refused;
import dev.videocall.core.PresenceStore.Full;
import dev.videocall.core.PresenceStore.Joined;
import dev.videocall.core.PresenceStore.Left;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signaling core: turns each gateway envelope into presence changes and the deliveries it causes.
 * It sees only ports (presence, gateway liveness, clock), never a socket, topic or database; the
 * caller hands the returned deliveries to its egress (in one JVM the gateway itself, in the cloud a
 * Pub/Sub publisher) and acknowledges the envelope only once they are out.
 *
 * <p>Failure kinds: bad input gets a documented error frame (and, for a bad link, a close); a
 * failing store throws, so the platform (Pub/Sub) retries the envelope.
 */
public final class SignalingRouter {
  private static final Logger log = LoggerFactory.getLogger(SignalingRouter.class);

  private final InviteLinks links;
  private final PresenceStore presence;
  private final GatewayLiveness liveness;
  private final IceServers iceServers;
  private final InstantSource clock;

  public SignalingRouter(
      InviteTokens tokens,
      PresenceStore presence,
      GatewayLiveness liveness,
      IceServers iceServers,
      InstantSource clock) {
    this.links = new InviteLinks(tokens);
    this.presence = presence;
    this.liveness = liveness;
    this.iceServers = iceServers;
    this.clock = clock;
  }

  /**
   * The verified identity of a connection: the call, the user and the other members its link was
   * minted for, in the link's order (which orders everything the core sends to several of them, so a
   * retried envelope numbers its deliveries as the first try did).
   */
  private record Identity(String sessionId, String userId, List<String> peerIds, Instant linkExpiresAt) {}

  /** Handles one envelope; returns what to deliver, in order (often one delivery, sometimes none). */
  public List<Delivery> handle(Envelope envelope) {
    Outbox out = new Outbox(envelope);
    switch (envelope.event()) {
      case OPEN -> open(envelope, out);
      case FRAME -> frames(envelope, out);
      case CLOSE -> close(envelope, out);
    }
    return out.deliveries();
  }

  private void open(Envelope e, Outbox out) {
    ConnectionRef self = new ConnectionRef(e.gatewayId(), e.connectionId());
    Instant now = clock.instant();
    InviteLinks.Result checked = links.check(e.userId(), e.peerIds(), e.token(), now, true);
    if (checked instanceof InviteLinks.Refused refused) {
      refuseAndClose(e, out, refused.code(), refused.message() + " (" + refused.detail() + ")");
      return;
    }
    InviteLinks.Admitted admitted = (InviteLinks.Admitted) checked;
    Identity id = new Identity(admitted.sessionId(), admitted.userId(), admitted.peerIds(), admitted.expiresAt());
    PresenceStore.JoinResult result =
        presence.join(
            new PresenceStore.Join(
                id.sessionId(), id.userId(), id.peerIds(), self, openedAt(e), e.userAgent(), id.linkExpiresAt(), now));
    if (result instanceof Full) {
      refuseAndClose(e, out, ErrorCode.CALL_FULL, "this call is for other people, and this link is not one of its own");
      return;
    }
    if (result instanceof PresenceStore.Superseded) {
      // Its open was handled late (a hang-up's bye socket behind the link opened again, say): the newer
      // connection stays, and this one is closed as the one replaced.
      refuseAndClose(e, out, ErrorCode.REPLACED, "you opened this call again elsewhere, after this connection");
      return;
    }
    Joined joined = (Joined) result;
    joined.replaced().ifPresent(old -> {
      out.sendAndClose(
          old,
          ServerFrames.error(ErrorCode.REPLACED, "you opened this call again elsewhere"),
          CloseCode.REPLACED.code(),
          ErrorCode.REPLACED.wireCode());
      log.atInfo()
          .addKeyValue("sessionId", id.sessionId())
          .addKeyValue("userId", id.userId())
          .addKeyValue("connectionId", old.connectionId())
          .addKeyValue("replacedBy", e.connectionId())
          .log("connection replaced by a newer one");
    });
    // A parked member is in the call but holds no socket: it is told nothing and does not count as
    // present (this side waits for it as answerer), but the welcome says it is still in the call.
    List<ServerFrames.WelcomePeer> peers = new ArrayList<>(id.peerIds().size());
    int present = 0;
    int parked = 0;
    for (String peerId : id.peerIds()) {
      Participant p = joined.others().get(peerId);
      boolean live = p != null && reachable(p, now);
      boolean isParked = p != null && p.parked();
      present += live ? 1 : 0;
      parked += isParked ? 1 : 0;
      peers.add(new ServerFrames.WelcomePeer(peerId, live, isParked, id.userId().compareTo(peerId) < 0));
    }
    out.send(
        self,
        ServerFrames.welcome(new ServerFrames.Welcome(
            id.sessionId(), id.userId(), peers, joined.epoch(), iceServers.forUser(id.userId(), now))));
    tellOthers(id, joined.others(), now, out, ServerFrames.peerJoined(id.userId(), joined.epoch()));
    log.atInfo()
        .addKeyValue("sessionId", id.sessionId())
        .addKeyValue("userId", id.userId())
        .addKeyValue("connectionId", e.connectionId())
        .addKeyValue("gatewayId", e.gatewayId())
        .addKeyValue("people", id.peerIds().size() + 1)
        .addKeyValue("peersPresent", present)
        .addKeyValue("peersParked", parked)
        .log("joined call");
  }

  private static Instant openedAt(Envelope e) {
    return e.openedAtMillis() == null ? null : Instant.ofEpochMilli(e.openedAtMillis());
  }

  /** Sends {@code frame} to each of {@code others} that holds a socket, in the link's order. */
  private void tellOthers(Identity id, Map<String, Participant> others, Instant now, Outbox out, String frame) {
    for (String peerId : id.peerIds()) {
      Participant p = others.get(peerId);
      if (p != null && reachable(p, now)) {
        out.send(p.connection(), frame);
      }
    }
  }

  /**
   * The frames of one envelope, in order, as if each came alone: the link is checked and the call's
   * participants are read once for all of them (one Firestore request per envelope, not per frame),
   * and only the sender's and the recipients' (two documents for a message, in a call of any size).
   */
  private void frames(Envelope e, Outbox out) {
    ConnectionRef self = new ConnectionRef(e.gatewayId(), e.connectionId());
    List<String> frames = e.frames();
    // Validation is pure: done first, it names the recipients before anything is read.
    FrameValidator.Result[] results = new FrameValidator.Result[frames.size()];
    boolean anyAccepted = false;
    // By index: a packed envelope's list is a List.of, and this runs for every relayed message.
    for (int i = 0; i < results.length; i++) {
      results[i] = FrameValidator.validate(frames.get(i));
      anyAccepted |= results[i] instanceof Accepted;
    }
    Optional<Identity> identity = anyAccepted ? identify(e) : Optional.empty();
    Map<String, Participant> participants =
        identity.map(id -> presence.participants(id.sessionId(), involved(id, results))).orElse(null);
    boolean hungUp = false;
    Instant now = clock.instant();
    for (FrameValidator.Result validation : results) {
      if (validation instanceof Refused refused) {
        refuse(e, out, refused.code(), refused.message());
        continue;
      }
      ClientMessage message = ((Accepted) validation).message();
      if (identity.isEmpty()) {
        refuse(e, out, ErrorCode.NOT_JOINED, "this connection has not joined a call");
        continue;
      }
      Identity id = identity.get();
      Participant me = participants.get(id.userId());
      if (hungUp || me == null || me.parked() || !me.connection().equals(self)) {
        refuse(e, out, ErrorCode.NOT_JOINED, "this connection is not your current one in the call");
        continue;
      }
      if (message.type() == MessageType.BYE) {
        leave(e, id, out, LeaveReason.HANGUP, now, e.seq());
        hungUp = true;
        continue;
      }
      String to = recipient(id, message);
      if (to == null) {
        refuse(e, out, ErrorCode.BAD_MESSAGE, message.to() == null
            ? "to is required in a call of more than two: name the member this " + message.type().wireName() + " is for"
            : "to must name another member of this call");
        continue;
      }
      Participant peer = participants.get(to);
      if (peer == null || !reachable(peer, now)) {
        out.send(self, ServerFrames.peerAbsent(to, to + " is not connected; message dropped"));
        logRefusal(e, ErrorCode.PEER_ABSENT, to + " is not connected; message dropped");
        continue;
      }
      out.send(peer.connection(), message.relayed(id.userId()));
    }
  }

  /** The sender and everyone the envelope's valid messages are for: whose presence it reads. */
  private static List<String> involved(Identity id, FrameValidator.Result[] results) {
    List<String> ids = new ArrayList<>(2);
    ids.add(id.userId());
    for (FrameValidator.Result r : results) {
      if (r instanceof Accepted accepted && accepted.message().type() != MessageType.BYE) {
        String to = recipient(id, accepted.message());
        if (to != null && !ids.contains(to)) {
          ids.add(to);
        }
      }
    }
    return ids;
  }

  /**
   * Whom a relayed message is for: its {@code to}, which must be another member of the call; without
   * one, the peer of a call of two. Null when neither names someone.
   */
  private static String recipient(Identity id, ClientMessage message) {
    String to = message.to();
    if (to == null) {
      return id.peerIds().size() == 1 ? id.peerIds().get(0) : null;
    }
    return id.peerIds().contains(to) ? to : null;
  }

  /**
   * A closed socket leaves the call, unless the page closed it with 4100 PARKED from its current
   * connection: then the person stays in the call, parked, and nobody is told (docs/protocol.md,
   * "Parking").
   */
  private void close(Envelope e, Outbox out) {
    // A connection whose open was refused never joined; leave() and park() then find nothing to do.
    // Every event before the close was a frame: the open is 0, the close comes last.
    long messagesSent = Math.max(0, e.seq() - 1);
    identify(e).ifPresent(id -> {
      if (Integer.valueOf(CloseCode.PARKED.code()).equals(e.closeCode())) {
        park(e, id, clock.instant(), messagesSent);
      } else {
        leave(e, id, out, LeaveReason.DISCONNECTED, clock.instant(), messagesSent);
      }
    });
  }

  private void park(Envelope e, Identity id, Instant now, long messagesSent) {
    if (presence.park(id.sessionId(), id.userId(), e.connectionId(), now, messagesSent) instanceof PresenceStore.Parked) {
      log.atInfo()
          .addKeyValue("sessionId", id.sessionId())
          .addKeyValue("userId", id.userId())
          .addKeyValue("connectionId", e.connectionId())
          .log("parked");
    }
  }

  /** Leaves the call; {@code messagesSent} is how many frames the connection sent, for the call's record. */
  private void leave(Envelope e, Identity id, Outbox out, LeaveReason reason, Instant now, long messagesSent) {
    if (presence.leave(id.sessionId(), id.userId(), e.connectionId(), now, messagesSent) instanceof Left left) {
      tellOthers(id, left.others(), now, out, ServerFrames.peerLeft(id.userId(), reason, left.epoch()));
      log.atInfo()
          .addKeyValue("sessionId", id.sessionId())
          .addKeyValue("userId", id.userId())
          .addKeyValue("connectionId", e.connectionId())
          .addKeyValue("reason", reason.wireName())
          .log("left call");
    }
  }

  /**
   * The identity a frame or close belongs to, from the link it connected with. The token's MAC is
   * checked again (the core keeps no per-connection state), but not its expiry: a call that started
   * with a valid link may outlast it. Without the expiry the verdict depends on the three strings
   * alone, so links already found genuine are remembered ({@link #VERIFIED_LINKS} at most): a frame
   * then costs a map lookup instead of an HMAC, a split and three regular expressions.
   */
  private Optional<Identity> identify(Envelope e) {
    Link link = new Link(e.userId(), e.peerId(), e.token());
    Identity known = verified.get(link);
    if (known != null) {
      return Optional.of(known);
    }
    if (links.check(e.userId(), e.peerIds(), e.token(), clock.instant(), false) instanceof InviteLinks.Admitted a) {
      Identity id = new Identity(a.sessionId(), a.userId(), a.peerIds(), a.expiresAt());
      if (verified.size() >= VERIFIED_LINKS) {
        verified.clear();
      }
      verified.put(link, id);
      return Optional.of(id);
    }
    return Optional.empty();
  }

  /** How many genuine links {@link #identify} remembers before it starts again (a few MB at most). */
  static final int VERIFIED_LINKS = 20_000;

  /** The link's strings as the envelope carries them ({@code peerIds} joined, as the gateway sent them). */
  private record Link(String userId, String peerIds, String token) {}

  private final Map<Link, Identity> verified = new java.util.concurrent.ConcurrentHashMap<>();

  /** Holds a socket on a live gateway: what a delivery needs. A parked participant holds none. */
  private boolean reachable(Participant p, Instant now) {
    return p.connected() && liveness.isAlive(p.connection().gatewayId(), now);
  }

  private void refuse(Envelope e, Outbox out, ErrorCode code, String message) {
    out.send(new ConnectionRef(e.gatewayId(), e.connectionId()), ServerFrames.error(code, message));
    logRefusal(e, code, message);
  }

  private void refuseAndClose(Envelope e, Outbox out, ErrorCode code, String message) {
    CloseCode close = code.closeCode().orElseThrow(() -> new IllegalArgumentException(code + " does not close"));
    out.sendAndClose(
        new ConnectionRef(e.gatewayId(), e.connectionId()), ServerFrames.error(code, message), close.code(), code.wireCode());
    logRefusal(e, code, message);
  }

  private static void logRefusal(Envelope e, ErrorCode code, String message) {
    log.atWarn()
        .addKeyValue("code", code.wireCode())
        .addKeyValue("connectionId", e.connectionId())
        .addKeyValue("gatewayId", e.gatewayId())
        .addKeyValue("event", e.event().name().toLowerCase(java.util.Locale.ROOT))
        .addKeyValue("seq", e.seq())
        .log("refused: {}", message);
  }
}
