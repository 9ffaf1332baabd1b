package dev.videocall.contract.invite;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Invite tokens: {@code v1.<kid>.<sessionId>.<expiresAtEpochSeconds>.<mac>}, where the MAC is
 * HMAC-SHA256 over version, key id, session, user, peer and expiry. The user and peer are not in the
 * token: they come from the link, so a token only verifies for the pair it was minted for.
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

  /** The token is genuine for this pair; {@code expired} tells whether its time has passed. */
  public record Verified(String sessionId, Instant expiresAt, boolean expired) implements Check {}

  /** The token is malformed, forged, tampered with, signed by an unknown key, or for another pair. */
  public record Rejected(String reason) implements Check {}

  /** A fresh random session id (128 bits, base64url). */
  public String newSessionId() {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    return B64.encodeToString(bytes);
  }

  public String mint(String sessionId, String userId, String peerId, Instant expiresAt) {
    String kid = keys.currentKeyId();
    long exp = expiresAt.getEpochSecond();
    String mac = B64.encodeToString(mac(keys.currentKey(), kid, sessionId, userId, peerId, exp));
    return String.join(".", VERSION, kid, sessionId, Long.toString(exp), mac);
  }

  /**
   * Checks a token against the (already normalised) user and peer of the link. Only the canonical
   * spelling verifies: the expiry in decimal without leading zeros and the MAC in base64url without
   * padding, exactly as {@link #mint} writes them. Never throws for any input string.
   */
  public Check verify(String token, String userId, String peerId, Instant now) {
    if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_CHARS) {
      return new Rejected("missing or oversized token");
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
    byte[] expected = mac(key.get(), kid, sessionId, userId, peerId, exp);
    if (!MessageDigest.isEqual(expected, given)) {
      return new Rejected("signature mismatch");
    }
    Instant expiresAt = Instant.ofEpochSecond(exp);
    return new Verified(sessionId, expiresAt, !now.isBefore(expiresAt));
  }

  private static byte[] mac(byte[] key, String kid, String sessionId, String userId, String peerId, long exp) {
    String message = String.join("\n", VERSION, kid, sessionId, userId, peerId, Long.toString(exp));
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is required by every Java platform", e);
    }
  }
}
