package dev.videocall.functions;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The browser origins whose pages may call CreateCall across sites (CORS): the site itself, whose
 * URL links start with ({@code PUBLIC_BASE_URL}), and {@code ALLOWED_ORIGINS}. Compared as
 * lower-case {@code scheme://host[:port]}.
 */
final class SiteOrigins {
  private final Set<String> origins;

  SiteOrigins(String publicBaseUrl, List<String> extra) {
    this.origins = Stream.concat(Stream.of(publicBaseUrl), extra.stream())
        .map(SiteOrigins::originOf)
        .collect(Collectors.toUnmodifiableSet());
  }

  boolean allows(String origin) {
    return origin != null && origins.contains(origin.trim().toLowerCase(Locale.ROOT));
  }

  private static String originOf(String url) {
    URI uri = URI.create(url.trim());
    if (uri.getScheme() == null || uri.getRawAuthority() == null) {
      throw new IllegalArgumentException("not an http(s) URL or origin: " + url);
    }
    return (uri.getScheme() + "://" + uri.getRawAuthority()).toLowerCase(Locale.ROOT);
  }
}
