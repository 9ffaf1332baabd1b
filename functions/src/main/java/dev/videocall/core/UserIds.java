package dev.videocall.core;

import java.util.Locale;
import java.util.Optional;

/** Normalises the user ids that arrive in links: lower-cased (as the original post did) and checked. */
public final class UserIds {
  private UserIds() {}

  /** The normalised id, or empty when it is missing or not of the allowed form. */
  public static Optional<String> normalize(String raw) {
    if (raw == null || raw.length() > 64) {
      return Optional.empty();
    }
    String id = raw.toLowerCase(Locale.ROOT);
    return Limits.USER_ID.matcher(id).matches() ? Optional.of(id) : Optional.empty();
  }
}
