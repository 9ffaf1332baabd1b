package dev.videocall.contract.invite;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** Normalises the user ids that arrive in links: lower-cased (as the original post did) and checked. */
public final class UserIds {
  /** User ids go into URLs, logs and Firestore document ids: keep them short and plain. */
  public static final Pattern PATTERN = Pattern.compile("[a-z0-9_-]{1,64}");

  private UserIds() {}

  /** The normalised id, or empty when it is missing or not of the allowed form. */
  public static Optional<String> normalize(String raw) {
    if (raw == null || raw.length() > 64) {
      return Optional.empty();
    }
    String id = raw.toLowerCase(Locale.ROOT);
    return PATTERN.matcher(id).matches() ? Optional.of(id) : Optional.empty();
  }
}
