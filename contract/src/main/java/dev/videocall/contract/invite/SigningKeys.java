package dev.videocall.contract.invite;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The invite-signing keys by key id. The first key signs new links; every listed key verifies, so a
 * key can be rotated by putting the new one first and dropping the old one once its links expire.
 */
public final class SigningKeys {
  private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9_-]{1,32}");
  private static final int MIN_KEY_BYTES = 32;

  private final Map<String, byte[]> keysById;
  private final String currentKeyId;

  private SigningKeys(Map<String, byte[]> keysById, String currentKeyId) {
    this.keysById = keysById;
    this.currentKeyId = currentKeyId;
  }

  /**
   * Parses {@code kid:base64key[,kid:base64key…]} (standard or URL-safe base64, at least 32 bytes
   * each). Throws {@link IllegalArgumentException} with a message naming the problem.
   */
  public static SigningKeys parse(String spec) {
    if (spec == null || spec.isBlank()) {
      throw new IllegalArgumentException("no invite signing keys configured");
    }
    Map<String, byte[]> keys = new LinkedHashMap<>();
    String first = null;
    for (String entry : spec.split(",")) {
      String trimmed = entry.trim();
      int colon = trimmed.indexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("signing key entry must be kid:base64key");
      }
      String kid = trimmed.substring(0, colon);
      if (!KEY_ID.matcher(kid).matches()) {
        throw new IllegalArgumentException("signing key id must match " + KEY_ID.pattern() + ": " + kid);
      }
      byte[] key = decode(trimmed.substring(colon + 1), kid);
      if (key.length < MIN_KEY_BYTES) {
        throw new IllegalArgumentException("signing key " + kid + " is shorter than " + MIN_KEY_BYTES + " bytes");
      }
      if (keys.putIfAbsent(kid, key) != null) {
        throw new IllegalArgumentException("signing key id listed twice: " + kid);
      }
      if (first == null) {
        first = kid;
      }
    }
    return new SigningKeys(Map.copyOf(keys), first);
  }

  /** One key, for tests and the embedded default. */
  public static SigningKeys of(String kid, byte[] key) {
    return parse(kid + ":" + Base64.getEncoder().encodeToString(key));
  }

  private static byte[] decode(String value, String kid) {
    try {
      return value.contains("-") || value.contains("_")
          ? Base64.getUrlDecoder().decode(value)
          : Base64.getDecoder().decode(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("signing key " + kid + " is not valid base64");
    }
  }

  public String currentKeyId() {
    return currentKeyId;
  }

  public byte[] currentKey() {
    return keysById.get(currentKeyId);
  }

  public Optional<byte[]> key(String keyId) {
    return Optional.ofNullable(keysById.get(keyId));
  }
}
