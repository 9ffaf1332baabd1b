package dev.videocall.local;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where the embedded server's links point. Never simply at the request's {@code Host}: anyone can
 * send {@code Host: evil.example}, and a link is a credential. The configured {@code PUBLIC_BASE_URL}
 * wins; without it, a {@code Host} that names this machine's loopback (localhost, 127.0.0.0/8,
 * [::1], with the port the browser used) is kept, so links work on whatever port the server runs;
 * any other {@code Host} gets {@code http://localhost:<listening port>}. To serve other hosts, set
 * {@code PUBLIC_BASE_URL}.
 */
final class LinkBase {
  private static final Pattern LOOPBACK_HOST =
      Pattern.compile("(localhost|127(\\.(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])){3}|\\[::1\\])(:[0-9]{1,5})?");

  private LinkBase() {}

  static String of(String publicBaseUrl, String hostHeader, int listeningPort) {
    if (publicBaseUrl != null && !publicBaseUrl.isBlank()) {
      return publicBaseUrl;
    }
    if (hostHeader != null && LOOPBACK_HOST.matcher(hostHeader.toLowerCase(Locale.ROOT)).matches()) {
      return "http://" + hostHeader.toLowerCase(Locale.ROOT);
    }
    return "http://localhost:" + listeningPort;
  }
}
