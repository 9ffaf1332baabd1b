package dev.videocall.gateway;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Refuses cross-site WebSocket hijacking: a browser always sends Origin, so an upgrade is accepted
 * only from the page's own origin (Origin's host and port equal the request's Host) or from an
 * explicitly configured origin.
 */
final class OriginPolicy {
  private final Set<String> extraOrigins;
  private final boolean allowMissing;

  OriginPolicy(List<String> extraOrigins, boolean allowMissing) {
    this.extraOrigins = extraOrigins.stream().map(OriginPolicy::normalize).collect(Collectors.toUnmodifiableSet());
    this.allowMissing = allowMissing;
  }

  boolean allows(String origin, String host) {
    if (origin == null || origin.isEmpty()) {
      return allowMissing;
    }
    String normalized = normalize(origin);
    if (extraOrigins.contains(normalized)) {
      return true;
    }
    if (host == null) {
      return false;
    }
    try {
      URI uri = URI.create(normalized);
      String scheme = uri.getScheme();
      if (uri.getHost() == null || !("http".equals(scheme) || "https".equals(scheme))) {
        return false;
      }
      int defaultPort = "https".equals(scheme) ? 443 : 80;
      int port = uri.getPort() == -1 ? defaultPort : uri.getPort();
      return authority(uri.getHost(), port, defaultPort).equals(normalizeHost(host, defaultPort));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static String normalize(String origin) {
    String o = origin.trim().toLowerCase(Locale.ROOT);
    return o.endsWith("/") ? o.substring(0, o.length() - 1) : o;
  }

  private static String normalizeHost(String host, int defaultPort) {
    String h = host.trim().toLowerCase(Locale.ROOT);
    int colon = h.lastIndexOf(':');
    if (colon > 0 && h.indexOf(']') < colon) {
      try {
        return authority(h.substring(0, colon), Integer.parseInt(h.substring(colon + 1)), defaultPort);
      } catch (NumberFormatException e) {
        return h;
      }
    }
    return authority(h, defaultPort, defaultPort);
  }

  private static String authority(String host, int port, int defaultPort) {
    return port == defaultPort ? host : host + ":" + port;
  }
}
