package dev.videocall.contract.invite;

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

  /** Why a link is refused, with the documented error code and close code (docs/protocol.md). */
  public enum Reason {
    INVALID_LINK("invalid-link", 4000, "userID, peerID and token are required; userID and peerID must differ"),
    INVALID_TOKEN("invalid-token", 4001, "this link is not valid"),
    TOKEN_EXPIRED("token-expired", 4002, "this link has expired");

    private final String wireCode;
    private final int closeCode;
    private final String message;

    Reason(String wireCode, int closeCode, String message) {
      this.wireCode = wireCode;
      this.closeCode = closeCode;
      this.message = message;
    }

    public String wireCode() {
      return wireCode;
    }

    public int closeCode() {
      return closeCode;
    }

    public String message() {
      return message;
    }
  }

  /** The outcome of a check. */
  public sealed interface Result {}

  /** A genuine link: the call it belongs to and the (normalised) pair it was minted for. */
  public record Admitted(String sessionId, String userId, String peerId, Instant expiresAt) implements Result {}

  public record Refused(Reason reason, String detail) implements Result {}

  /**
   * Checks a link. With {@code enforceExpiry} false an expired but genuine link is admitted: a call
   * that started with a valid link may outlast it.
   */
  public Result check(String rawUserId, String rawPeerId, String token, Instant now, boolean enforceExpiry) {
    Optional<String> user = UserIds.normalize(rawUserId);
    Optional<String> peer = UserIds.normalize(rawPeerId);
    if (user.isEmpty() || peer.isEmpty() || user.get().equals(peer.get()) || token == null) {
      return new Refused(Reason.INVALID_LINK, "missing or malformed userID/peerID/token");
    }
    InviteTokens.Check check = tokens.verify(token, user.get(), peer.get(), now);
    if (check instanceof InviteTokens.Rejected rejected) {
      return new Refused(Reason.INVALID_TOKEN, rejected.reason());
    }
    InviteTokens.Verified verified = (InviteTokens.Verified) check;
    if (enforceExpiry && verified.expired()) {
      return new Refused(Reason.TOKEN_EXPIRED, "expired at " + verified.expiresAt());
    }
    return new Admitted(verified.sessionId(), user.get(), peer.get(), verified.expiresAt());
  }
}
