package dev.videocall.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * The site owner's key: whoever sends {@code Authorization: Bearer <key>} may create calls. Only a
 * digest of the key is kept, and a presented key is compared digest to digest in constant time
 * ({@link MessageDigest#isEqual}), so neither its content nor its length shows in the timing.
 */
public final class OwnerKey {
  /** Printable ASCII without spaces: what fits an HTTP header and survives copying by hand. */
  private static final Pattern FORM = Pattern.compile("[\\x21-\\x7e]+");
  private static final String SCHEME = "bearer ";

  private final byte[] digest;

  private OwnerKey(byte[] digest) {
    this.digest = digest;
  }

  /** The key as configured ({@code OWNER_KEY}); refuses one too short or not printable ASCII. */
  public static OwnerKey of(String key) {
    if (key == null || key.length() < Limits.MIN_OWNER_KEY_CHARS || !FORM.matcher(key).matches()) {
      throw new IllegalArgumentException("OWNER_KEY must be at least " + Limits.MIN_OWNER_KEY_CHARS
          + " printable characters without spaces (for example 32 random bytes in base64url)");
    }
    return new OwnerKey(sha256(key));
  }

  /** A fresh key: 32 random bytes, base64url without padding (43 characters). */
  public static String generate() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** True when the header is {@code Bearer <this key>} (the scheme in any case). */
  public boolean accepts(String authorization) {
    if (authorization == null || authorization.length() <= SCHEME.length()
        || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
      return false;
    }
    return MessageDigest.isEqual(digest, sha256(authorization.substring(SCHEME.length()).trim()));
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }
}
