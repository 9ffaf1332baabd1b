package dev.videocall.contract.invite;

import dev.videocall.contract.protocol.ErrorCode;
import java.time.Instant;
import java.util.Optional;

/**
 * Checks the three query parameters of an invite link together: user and peer ids of the allowed
 * form, and a token genuinely minted for exactly that pair. Shared by the gateway (which refuses bad
 * links before anything is published) and the signaling core (which checks again: defence in depth).
 */
public final class InviteLinks {
  private final InviteTokens tokens;

  public InviteLinks(InviteTokens tokens) {
    this.tokens = tokens;
  }

  /** The outcome of a check. */
  public sealed interface Result {}

  /** A genuine link: the call it belongs to and the (normalised) pair it was minted for. */
  public record Admitted(String sessionId, String userId, String peerId, Instant expiresAt) implements Result {}

  /**
   * A refused link: the error code (whose close code ends the connection), a message safe to show to
   * the person, and a detail for the logs.
   */
  public record Refused(ErrorCode code, String message, String detail) implements Result {}

  /**
   * Checks a link. With {@code enforceExpiry} false an expired but genuine link is admitted: a call
   * that started with a valid link may outlast it.
   */
  public Result check(String rawUserId, String rawPeerId, String token, Instant now, boolean enforceExpiry) {
    Optional<String> user = UserIds.normalize(rawUserId);
    Optional<String> peer = UserIds.normalize(rawPeerId);
    if (user.isEmpty() || peer.isEmpty() || user.get().equals(peer.get()) || token == null) {
      return new Refused(ErrorCode.INVALID_LINK, "userID, peerID and token are required; userID and peerID must differ",
          "missing or malformed userID/peerID/token");
    }
    InviteTokens.Check check = tokens.verify(token, user.get(), peer.get(), now);
    if (check instanceof InviteTokens.Rejected rejected) {
      return new Refused(ErrorCode.INVALID_TOKEN, "this link is not valid", rejected.reason());
    }
    InviteTokens.Verified verified = (InviteTokens.Verified) check;
    if (enforceExpiry && verified.expired()) {
      return new Refused(ErrorCode.TOKEN_EXPIRED, "this link has expired", "expired at " + verified.expiresAt());
    }
    return new Admitted(verified.sessionId(), user.get(), peer.get(), verified.expiresAt());
  }
}
