package dev.videocall.local;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.eclipse.jetty.server.Request;

/**
 * What counts as this machine's own loopback: the one place the embedded server decides it, for
 * where links point ({@link LinkBase}) and for who may create calls without the owner key
 * ({@link #isOwnersOwn}).
 */
final class Loopback {
  /** localhost, 127.0.0.0/8 or [::1], with an optional port: what a browser sends for this machine. */
  private static final Pattern HOST =
      Pattern.compile("(localhost|127(\\.(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])){3}|\\[::1\\])(:[0-9]{1,5})?");
  private static final Pattern ORIGIN = Pattern.compile("https?://" + HOST.pattern());
  /**
   * Headers a reverse proxy adds for the client it forwards (nginx, Apache, Caddy, HAProxy, CDNs):
   * any of them means the TCP peer is a proxy, not the person, however loopback the peer is.
   */
  private static final List<String> PROXY_HEADERS = List.of(
      "Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Real-IP", "X-Client-IP",
      "True-Client-IP", "CF-Connecting-IP", "Fastly-Client-IP", "Via");

  private Loopback() {}

  /** True when a {@code Host} header names this machine's loopback. */
  static boolean isHost(String hostHeader) {
    return hostHeader != null && HOST.matcher(hostHeader.toLowerCase(Locale.ROOT)).matches();
  }

  /** True when an {@code Origin} header is a page served from this machine's loopback. */
  static boolean isOrigin(String origin) {
    return origin != null && ORIGIN.matcher(origin.toLowerCase(Locale.ROOT)).matches();
  }

  /**
   * True when the request is the owner's own, from this machine, so it needs no owner key: the TCP
   * peer is a loopback address, no proxy header says it came from someone else (a proxy's
   * {@code X-Real-IP} alone is enough to say so), the {@code Host} names the loopback, and an
   * {@code Origin}, when sent, is a loopback page. The last two refuse DNS rebinding: a page of
   * {@code evil.example} whose name now resolves to 127.0.0.1 reaches the loopback, but its browser
   * sends {@code Host} and {@code Origin} with {@code evil.example}. Behind a reverse proxy on this
   * machine set {@code TRUST_FORWARDED_FOR}, which turns this off.
   */
  static boolean isOwnersOwn(Request request, boolean trustForwardedFor) {
    if (trustForwardedFor || PROXY_HEADERS.stream().anyMatch(request.getHeaders()::contains)) {
      return false;
    }
    String origin = request.getHeaders().get("Origin");
    return request.getConnectionMetaData().getRemoteSocketAddress() instanceof InetSocketAddress peer
        && peer.getAddress() != null
        && peer.getAddress().isLoopbackAddress()
        && isHost(request.getHeaders().get("Host"))
        && (origin == null || isOrigin(origin));
  }
}
