package dev.videocall.contract;

import java.util.List;
import java.util.Objects;

/**
 * What the gateway knows about one WebSocket event, forwarded unchanged to the signaling core.
 *
 * <p>The gateway adds no meaning: it copies the query parameters and the raw text frames, numbers the
 * events of each connection ({@code seq} starts at 0 with {@link Event#OPEN}, and each frame has its
 * own number), and stamps its own instance id so the core can route answers back to it. One
 * {@link Event#FRAME} envelope may carry several consecutive frames of its connection, opaque and in
 * order (the cloud ingress packs those that arrive while the previous envelope is being published);
 * its {@code seq} is then that of its last frame.
 *
 * <p>{@link Event#WAKE} is about no connection: a gateway sends it when someone is about to call
 * after a quiet spell (the call page was served, or a socket opened while the instance was still
 * starting), so a router scaled to zero starts while the person's page loads and their camera
 * prompt waits, not after their join. The router connects its Firestore client (one read), answers
 * it, and writes and publishes nothing.
 *
 * @param connectionId gateway-assigned id, unique across instances; for {@link Event#WAKE} the
 *     gateway's id, so one instance's wakes share an ordering key and never wait behind a person's
 * @param gatewayId the instance holding the WebSocket
 * @param event open, frame, close or wake
 * @param seq position of this event (of its last frame) on its connection, used to drop redeliveries
 * @param userId {@code userID} query parameter as received (may be null or anything)
 * @param peerId the {@code peerID} query parameters as received, one per other member of the call,
 *     joined by {@code ,} in the order given ({@link #joinPeerIds}; a user id never holds a comma)
 * @param token {@code token} query parameter as received
 * @param frames the text frames, in order, only for {@link Event#FRAME} (at least one)
 * @param closeCode the WebSocket close code, only for {@link Event#CLOSE}
 * @param userAgent the User-Agent header of the upgrade request, for presence records
 * @param openedAtMillis when the socket opened, by the gateway's clock (milliseconds since the epoch),
 *     only for {@link Event#OPEN}: of two connections of one person, the core keeps the one opened
 *     later, whichever open it handles first (null from a gateway that does not say; such a join
 *     replaces whatever it finds, as the later one to be handled)
 */
public record Envelope(
    String connectionId,
    String gatewayId,
    Event event,
    long seq,
    String userId,
    String peerId,
    String token,
    List<String> frames,
    Integer closeCode,
    String userAgent,
    Long openedAtMillis) {

  public enum Event {
    OPEN,
    FRAME,
    CLOSE,
    /** Start if scaled to zero and connect, nothing more: someone is about to join (see the class comment). */
    WAKE
  }

  public Envelope {
    Objects.requireNonNull(connectionId, "connectionId");
    Objects.requireNonNull(gatewayId, "gatewayId");
    Objects.requireNonNull(event, "event");
    frames = frames == null ? List.of() : List.copyOf(frames);
    if (event == Event.FRAME && frames.isEmpty()) {
      throw new IllegalArgumentException("a frame envelope carries at least one frame");
    }
  }

  /** The open of a connection (seq 0), at {@code openedAtMillis} by the gateway's clock. */
  public static Envelope open(
      String connectionId, String gatewayId, String userId, String peerId, String token, String userAgent, long openedAtMillis) {
    return new Envelope(connectionId, gatewayId, Event.OPEN, 0, userId, peerId, token, null, null, userAgent, openedAtMillis);
  }

  /** The open of a connection (seq 0) whose time is not told (tests; an earlier gateway's open decodes like it). */
  public static Envelope open(String connectionId, String gatewayId, String userId, String peerId, String token, String userAgent) {
    return new Envelope(connectionId, gatewayId, Event.OPEN, 0, userId, peerId, token, null, null, userAgent, null);
  }

  /** One text frame. */
  public static Envelope frame(String connectionId, String gatewayId, long seq, String userId, String peerId, String token, String frame) {
    return new Envelope(connectionId, gatewayId, Event.FRAME, seq, userId, peerId, token, List.of(frame), null, null, null);
  }

  /** The close of a connection. */
  public static Envelope close(
      String connectionId, String gatewayId, long seq, String userId, String peerId, String token, Integer closeCode) {
    return new Envelope(connectionId, gatewayId, Event.CLOSE, seq, userId, peerId, token, null, closeCode, null, null);
  }

  /** A wake from this gateway (seq 0, no person, no frames). */
  public static Envelope wake(String gatewayId) {
    return new Envelope(gatewayId, gatewayId, Event.WAKE, 0, null, null, null, null, null, null, null);
  }

  /**
   * This frame envelope followed by {@code next} (a later frame envelope of the same connection), as
   * one envelope: the frames of both, in order, numbered as the later one.
   */
  public Envelope followedBy(Envelope next) {
    if (event != Event.FRAME || next.event != Event.FRAME || !connectionId.equals(next.connectionId) || next.seq <= seq) {
      throw new IllegalArgumentException("only later frames of the same connection can be packed together");
    }
    List<String> both = new java.util.ArrayList<>(frames.size() + next.frames.size());
    both.addAll(frames);
    both.addAll(next.frames);
    return new Envelope(connectionId, gatewayId, Event.FRAME, next.seq, userId, peerId, token, both, null, userAgent, null);
  }

  /**
   * The {@code peerId} field for a socket opened with these {@code peerID} values (null for none):
   * one string, so a gateway keeps one field per connection and a two-person envelope is as ever.
   */
  public static String joinPeerIds(List<String> values) {
    return values == null || values.isEmpty() ? null : String.join(",", values);
  }

  /** The {@code peerID} values this envelope's connection was opened with, in order (none when null). */
  public List<String> peerIds() {
    return peerId == null ? List.of() : List.of(peerId.split(",", -1));
  }

  /** The ordering key for this envelope: one key per connection keeps a person's frames in order. */
  public String orderingKey() {
    return connectionId;
  }
}
