package dev.videocall.local;

import java.util.Locale;

/**
 * Where the embedded server's links point. Never simply at the request's {@code Host}: anyone can
 * send {@code Host: evil.example}, and a link is a credential. The configured {@code PUBLIC_BASE_URL}
 * wins; without it, a {@code Host} that names this machine's loopback ({@link Loopback#isHost}:
 * localhost, 127.0.0.0/8, [::1], with the port the browser used) is kept, so links work on whatever
 * port the server runs; any other {@code Host} gets {@code http://localhost:<listening port>}. To
 * serve other hosts, set {@code PUBLIC_BASE_URL}.
 */
final class LinkBase {
  private LinkBase() {}

  static String of(String publicBaseUrl, String hostHeader, int listeningPort) {
    if (publicBaseUrl != null && !publicBaseUrl.isBlank()) {
      return publicBaseUrl;
    }
    if (Loopback.isHost(hostHeader)) {
      return "http://" + hostHeader.toLowerCase(Locale.ROOT);
    }
    return "http://localhost:" + listeningPort;
  }
}
