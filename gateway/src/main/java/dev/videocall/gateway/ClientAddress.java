package dev.videocall.gateway;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

/** Who sent a request, as far as the gateway can tell; shared with the host's extra routes. */
public final class ClientAddress {
  private ClientAddress() {}

  /**
   * The client's address: the peer of the TCP connection, or behind a trusted proxy
   * ({@code TRUST_FORWARDED_FOR}, as on Cloud Run) the last {@code X-Forwarded-For} hop, the one our
   * own load balancer added (earlier ones are client-supplied).
   */
  public static String of(Request request, boolean trustForwardedFor) {
    if (trustForwardedFor) {
      String forwarded = request.getHeaders().get(HttpHeader.X_FORWARDED_FOR);
      if (forwarded != null && !forwarded.isBlank()) {
        String[] hops = forwarded.split(",");
        return hops[hops.length - 1].trim();
      }
    }
    return Request.getRemoteAddr(request);
  }
}
