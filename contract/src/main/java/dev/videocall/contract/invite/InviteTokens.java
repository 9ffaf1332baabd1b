package dev.videocall.contract.invite;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Invite tokens: {@code v1.<kid>.<sessionId>.<expiresAtEpochSeconds>.<mac>}, where the MAC is
 * HMAC-SHA256 over version, key id, session, user, the other members (sorted, joined by {@code ,})
 * and expiry. The people are not in the token: they come from the link, so a token only verifies for
 * the user and the exact set of others it was minted for. With one other member the MAC's input is
 * byte for byte the two-person input of the first tokens, so their links still verify.
 */
public final class InviteTokens {
  /** Largest token we even try to parse; real ones are about 90 characters. */
  public static final int MAX_TOKEN_CHARS = 512;

  private static final String VERSION = "v1";
  private static final Pattern SESSION_ID = Pattern.compile("[A-Za-z0-9_-]{16,64}");
  private static final Pattern EPOCH = Pattern.compile("[0-9]{1,12}");
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private final SigningKeys keys;
  private final SecureRandom random = new SecureRandom();

  public InviteTokens(SigningKeys keys) {
    this.keys = keys;
  }

  /** What a token check found. */
  public sealed interface Check {}

  /** The token is genuine for these people; {@code expired} tells whether its time has passed. */
  public record Verified(String sessionId, Instant expiresAt, boolean expired) implements Check {}

  /** The token is malformed, forged, tampered with, signed by an unknown key, or for other people. */
  public record Rejected(String reason) implements Check {}

  /** A fresh random session id (128 bits, base64url). */
  public String newSessionId() {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    return B64.encodeToString(bytes);
  }

  /** A two-person call's token for {@code userId}, whose peer is {@code peerId}. */
  public String mint(String sessionId, String userId, String peerId, Instant expiresAt) {
    return mint(sessionId, userId, List.of(peerId), expiresAt);
  }

  /** The token of {@code userId} in a call with {@code peerIds} (normalised ids; order does not matter). */
  public String mint(String sessionId, String userId, List<String> peerIds, Instant expiresAt) {
    if (!plainIds(userId, peerIds)) {
      throw new IllegalArgumentException("a token is minted for normalised ids: a user and at least one other");
    }
    String kid = keys.currentKeyId();
    long exp = expiresAt.getEpochSecond();
    String mac = B64.encodeToString(mac(keys.currentKey(), kid, sessionId, userId, peerIds, exp));
    return String.join(".", VERSION, kid, sessionId, Long.toString(exp), mac);
  }

  /** {@link #verify(String, String, List, Instant)} for a two-person link. */
  public Check verify(String token, String userId, String peerId, Instant now) {
    return verify(token, userId, peerId == null ? List.of() : List.of(peerId), now);
  }

  /**
   * Checks a token against the (already normalised) user and other members of the link. Only the
   * canonical spelling verifies: the expiry in decimal without leading zeros and the MAC in base64url
   * without padding, exactly as {@link #mint} writes them. Never throws for any input string.
   */
  public Check verify(String token, String userId, List<String> peerIds, Instant now) {
    if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_CHARS) {
      return new Rejected("missing or oversized token");
    }
    if (!plainIds(userId, peerIds)) {
      return new Rejected("no user, no other member, or an id that is not normalised");
    }
    String[] parts = token.split("\\.", -1);
    if (parts.length != 5 || !VERSION.equals(parts[0])) {
      return new Rejected("not a v1 token");
    }
    String kid = parts[1];
    String sessionId = parts[2];
    if (!SESSION_ID.matcher(sessionId).matches() || !EPOCH.matcher(parts[3]).matches()) {
      return new Rejected("malformed token fields");
    }
    Optional<byte[]> key = keys.key(kid);
    if (key.isEmpty()) {
      return new Rejected("unknown signing key");
    }
    long exp = Long.parseLong(parts[3]);
    byte[] given;
    try {
      given = Base64.getUrlDecoder().decode(parts[4]);
    } catch (IllegalArgumentException e) {
      return new Rejected("malformed signature");
    }
    // One spelling per token: what was parsed must print back as exactly what was given. The decoder
    // alone accepts padding, a last character whose unused bits differ, and leading zeros in the
    // expiry, each of which would make another string verify as the same link.
    if (!parts[3].equals(Long.toString(exp)) || !parts[4].equals(B64.encodeToString(given))) {
      return new Rejected("not the canonical spelling of a token");
    }
    byte[] expected = mac(key.get(), kid, sessionId, userId, peerIds, exp);
    if (!MessageDigest.isEqual(expected, given)) {
      return new Rejected("signature mismatch");
    }
    Instant expiresAt = Instant.ofEpochSecond(exp);
    return new Verified(sessionId, expiresAt, !now.isBefore(expiresAt));
  }

  /**
   * A user and at least one peer, each a normalised id ({@link UserIds#PATTERN}): no comma can hide
   * inside one, so the MAC's {@code bob,carol} names two people and only two.
   */
  private static boolean plainIds(String userId, List<String> peerIds) {
    if (userId == null || !UserIds.PATTERN.matcher(userId).matches() || peerIds == null || peerIds.isEmpty()) {
      return false;
    }
    for (String peer : peerIds) {
      if (peer == null || !UserIds.PATTERN.matcher(peer).matches()) {
        return false;
      }
    }
    return true;
  }

  private static byte[] mac(byte[] key, String kid, String sessionId, String userId, List<String> peerIds, long exp) {
    // Sorted, so the order in which a link lists the others does not matter; ids never hold a comma.
    String peers = String.join(",", peerIds.stream().sorted().toList());
    String message = String.join("\n", VERSION, kid, sessionId, userId, peers, Long.toString(exp));
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is required by every Java platform", e);
    }
  }
}
