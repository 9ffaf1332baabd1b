package dev.videocall.contract.invite;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Normalises the user ids that arrive in links and call requests, the one way every door reads
 * them: creation ({@code CallCreator}), the gateway's door and the core ({@link InviteLinks}).
 *
 * <p>An id is ASCII letters, digits, {@code _} and {@code -}, and is lower-cased; anything else is
 * refused, not folded. Folding first is how look-alikes got in: {@code toLowerCase} turns U+212A
 * KELVIN SIGN into {@code k}, and NFKC would do the same for fullwidth letters, ligatures and
 * mathematical letters, so many spellings, each shown differently in an address bar, would be one
 * person. Refusing keeps one spelling per id (docs/security.md, "Look-alike names").
 */
public final class UserIds {
  /** User ids go into URLs, logs and Firestore document ids: keep them short and plain. */
  public static final Pattern PATTERN = Pattern.compile("[a-z0-9_-]{1,64}");
  /** What may arrive: {@link #PATTERN} in either ASCII case (no case-insensitive flag: ASCII only). */
  private static final Pattern ACCEPTED = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private UserIds() {}

  /** The normalised id, or empty when it is missing or not of the allowed form. */
  public static Optional<String> normalize(String raw) {
    if (raw == null || raw.length() > 64 || !ACCEPTED.matcher(raw).matches()) {
      return Optional.empty();
    }
    return Optional.of(raw.toLowerCase(Locale.ROOT));
  }
}
