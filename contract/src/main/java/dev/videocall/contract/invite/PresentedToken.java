package dev.videocall.contract.invite;

import dev.videocall.contract.protocol.ErrorCode;
import java.util.List;

/**
 * Where a WebSocket upgrade carries its invite token, and the one token it means (docs/protocol.md,
 * "The link and the WebSocket").
 *
 * <p>The page offers the token as a subprotocol, {@code Sec-WebSocket-Protocol: videocall.v1,
 * token.<token>}: request logs (Cloud Run's among them) record URLs, not that header. Clients of the
 * older protocol put it in the query ({@code ?token=}), which is still accepted and is the form
 * that ends up in request logs. Given both, they must be the same token, else the link is refused.
 * The server only ever selects {@link #SUBPROTOCOL}, never echoes the token entry.
 *
 * <p>Pure: shared by the gateway (which answers the upgrade) and its tests; the page's copy of the
 * two names is {@code SUBPROTOCOL} in {@code web/js/wire.js}.
 */
public final class PresentedToken {
  /** The protocol the page speaks; the server selects it whenever it is offered. */
  public static final String SUBPROTOCOL = "videocall.v1";
  /** An offered subprotocol {@code token.<token>} carries the token (tokens are all token characters). */
  public static final String TOKEN_PREFIX = "token.";

  private static final String TWICE = "this link is not valid: its token was given twice, differently";

  private PresentedToken() {}

  /** How the token came. */
  public enum Carrier {
    NONE,
    SUBPROTOCOL,
    QUERY,
    BOTH
  }

  /** What was found. */
  public sealed interface Result {}

  /** The token to check (null when none came: the link check refuses it as {@code invalid-link}). */
  public record Found(String token, Carrier carrier) implements Result {}

  /** The token was given in ways that disagree: refused as {@code invalid-link} (close 4000). */
  public record Conflicting(InviteLinks.Refused refused) implements Result {}

  /**
   * The subprotocol the server answers with: {@link #SUBPROTOCOL} when offered, else none (null). A
   * browser that offered subprotocols fails the connection when none is selected.
   */
  public static String accepted(List<String> offered) {
    return offered != null && offered.contains(SUBPROTOCOL) ? SUBPROTOCOL : null;
  }

  /**
   * Finds the token of an upgrade. Never throws.
   *
   * @param queryToken the {@code token} query parameter, or null
   * @param offered the subprotocols offered in {@code Sec-WebSocket-Protocol}, in order (may be null)
   */
  public static Result of(String queryToken, List<String> offered) {
    String fromHeader = null;
    if (offered != null) {
      for (String protocol : offered) {
        if (protocol == null || !protocol.startsWith(TOKEN_PREFIX)) {
          continue;
        }
        String token = protocol.substring(TOKEN_PREFIX.length());
        if (fromHeader != null && !fromHeader.equals(token)) {
          return conflict(TWICE, "two different tokens were offered as subprotocols");
        }
        fromHeader = token;
      }
    }
    if (fromHeader != null && accepted(offered) == null) {
      return conflict("this link is not valid: a token subprotocol needs " + SUBPROTOCOL + " offered beside it",
          "a token subprotocol was offered without " + SUBPROTOCOL);
    }
    if (fromHeader == null) {
      return new Found(queryToken, queryToken == null ? Carrier.NONE : Carrier.QUERY);
    }
    if (queryToken == null) {
      return new Found(fromHeader, Carrier.SUBPROTOCOL);
    }
    if (!queryToken.equals(fromHeader)) {
      return conflict(TWICE, "the token in the query and the token subprotocol differ");
    }
    return new Found(fromHeader, Carrier.BOTH);
  }

  /** The detail names where the tokens came from, never a token: it is logged. */
  private static Conflicting conflict(String message, String detail) {
    return new Conflicting(new InviteLinks.Refused(ErrorCode.INVALID_LINK, message, detail));
  }
}
