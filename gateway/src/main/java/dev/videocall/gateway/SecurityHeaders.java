package dev.videocall.gateway;

import org.eclipse.jetty.server.Response;

/** Headers every page response carries. */
final class SecurityHeaders {
  private SecurityHeaders() {}

  /** Only our own files; WebSockets to our own host; media from the camera and the peer (blob:). */
  static final String CSP =
      "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self' ws: wss:; "
          + "style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

  static void apply(Response response) {
    var h = response.getHeaders();
    h.put("Content-Security-Policy", CSP);
    // Links carry invite tokens: never leak them to other sites through Referer.
    h.put("Referrer-Policy", "no-referrer");
    h.put("X-Content-Type-Options", "nosniff");
    h.put("Permissions-Policy", "camera=(self), microphone=(self), display-capture=(self)");
    h.put("Cross-Origin-Opener-Policy", "same-origin");
  }
}
