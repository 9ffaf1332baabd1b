package dev.videocall.contract.invite;

import dev.videocall.contract.protocol.ErrorCode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks the query parameters of an invite link together: a user id and one {@code peerID} per other
 * member of the call, all of the allowed form and distinct, and a token genuinely minted for exactly
 * that user and those others. Shared by the gateway (which refuses bad links before anything is
 * published) and the signaling core (which checks again: defence in depth).
 */
public final class InviteLinks {
  /**
   * The most people a call holds. Every pair has its own peer connection (a full mesh), so each
   * browser sends its camera once per other person: four people are three uploads each, about what a
   * home connection and a phone carry; five would be four (docs/protocol.md, "Calls of three or four").
   */
  public static final int MAX_PEOPLE = 4;

  private final InviteTokens tokens;

  public InviteLinks(InviteTokens tokens) {
    this.tokens = tokens;
  }

  /** The outcome of a check. */
  public sealed interface Result {}

  /**
   * A genuine link: the call it belongs to, the (normalised) user and the other members, in the order
   * the link lists them (for a call created here, the order the call lists its people).
   */
  public record Admitted(String sessionId, String userId, List<String> peerIds, Instant expiresAt) implements Result {
    public Admitted {
      peerIds = List.copyOf(peerIds);
    }
  }

  /**
   * A refused link: the error code (whose close code ends the connection), a message safe to show to
   * the person, and a detail for the logs.
   */
  public record Refused(ErrorCode code, String message, String detail) implements Result {}

  /** {@link #check(String, List, String, Instant, boolean)} for a link with one {@code peerID}. */
  public Result check(String rawUserId, String rawPeerId, String token, Instant now, boolean enforceExpiry) {
    return check(rawUserId, rawPeerId == null ? List.of() : List.of(rawPeerId), token, now, enforceExpiry);
  }

  /**
   * Checks a link. With {@code enforceExpiry} false an expired but genuine link is admitted: a call
   * that started with a valid link may outlast it. A link naming more than {@link #MAX_PEOPLE} people
   * is {@code call-full} whatever its token: no call that large is ever made.
   */
  public Result check(String rawUserId, List<String> rawPeerIds, String token, Instant now, boolean enforceExpiry) {
    if (rawPeerIds != null && rawPeerIds.size() >= MAX_PEOPLE) {
      return new Refused(ErrorCode.CALL_FULL, "a call has at most " + MAX_PEOPLE + " people",
          "the link names " + (rawPeerIds.size() + 1) + " people");
    }
    Optional<String> user = UserIds.normalize(rawUserId);
    Optional<List<String>> peers = distinctPeers(user, rawPeerIds);
    if (peers.isEmpty() || token == null) {
      return new Refused(ErrorCode.INVALID_LINK,
          "userID, at least one peerID and token are required; every name must be different",
          "missing or malformed userID/peerID/token");
    }
    InviteTokens.Check check = tokens.verify(token, user.get(), peers.get(), now);
    if (check instanceof InviteTokens.Rejected rejected) {
      return new Refused(ErrorCode.INVALID_TOKEN, "this link is not valid", rejected.reason());
    }
    InviteTokens.Verified verified = (InviteTokens.Verified) check;
    if (enforceExpiry && verified.expired()) {
      return new Refused(ErrorCode.TOKEN_EXPIRED, "this link has expired", "expired at " + verified.expiresAt());
    }
    return new Admitted(verified.sessionId(), user.get(), peers.get(), verified.expiresAt());
  }

  /** The normalised peers when the user and every peer are valid ids, all different; else empty. */
  private static Optional<List<String>> distinctPeers(Optional<String> user, List<String> rawPeerIds) {
    if (user.isEmpty() || rawPeerIds == null || rawPeerIds.isEmpty()) {
      return Optional.empty();
    }
    List<String> peers = new ArrayList<>(rawPeerIds.size());
    for (String raw : rawPeerIds) {
      Optional<String> peer = UserIds.normalize(raw);
      if (peer.isEmpty() || peer.get().equals(user.get()) || peers.contains(peer.get())) {
        return Optional.empty();
      }
      peers.add(peer.get());
    }
    return Optional.of(peers);
  }
}
