package dev.videocall.gateway;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.Response;

/** Headers every answer carries: pages, API answers, health, and Jetty's own error answers. */
final class SecurityHeaders {
  /**
   * Only our own files; WebSockets to our own host, plus {@code extraConnectSource} (where the page
   * creates calls, when that is not this host); media from the camera and the peer (blob:).
   */
  private static String csp(String extraConnectSource) {
    String connect = "'self' ws: wss:" + (extraConnectSource == null ? "" : " " + extraConnectSource);
    return "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; connect-src " + connect + "; "
        + "style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
  }

  private final String csp;

  /** @param extraConnectSource an origin the page may also fetch from, or null for none */
  SecurityHeaders(String extraConnectSource) {
    this.csp = csp(extraConnectSource);
  }

  void apply(Response response) {
    apply(response.getHeaders());
  }

  void apply(HttpFields.Mutable h) {
    h.put("Content-Security-Policy", csp);
    // Links carry invite tokens: never leak them to other sites through Referer.
    h.put("Referrer-Policy", "no-referrer");
    h.put("X-Content-Type-Options", "nosniff");
    h.put("Permissions-Policy", "camera=(self), microphone=(self), display-capture=(self)");
    h.put("Cross-Origin-Opener-Policy", "same-origin");
  }
}
