package dev.videocall.local;

import dev.videocall.core.CallsApi;
import dev.videocall.core.CallsEndpoint;
import dev.videocall.gateway.ClientAddress;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code POST /api/calls} on the embedded server: reads the request and answers with what
 * {@link CallsEndpoint} says. The owner is whoever sends the owner key, or a request straight from
 * this machine's loopback interface to a loopback name ({@link Loopback#isOwnersOwn}); every request spends
 * from its address's creation budget. Links start where {@link LinkBase} says: the configured public
 * URL, or a loopback {@code Host} as the browser sent it, never an arbitrary one. (The gateway has
 * already refused a POST whose Origin is another site.)
 */
final class CallsHandler extends Handler.Abstract {
  private final CallsEndpoint endpoint;
  private final String publicBaseUrl;
  private final boolean trustForwardedFor;

  CallsHandler(CallsEndpoint endpoint, String publicBaseUrl, boolean trustForwardedFor) {
    this.endpoint = endpoint;
    this.publicBaseUrl = publicBaseUrl;
    this.trustForwardedFor = trustForwardedFor;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws IOException {
    if (!"/api/calls".equals(Request.getPathInContext(request))) {
      return false;
    }
    String body = HttpMethod.POST.is(request.getMethod()) ? readBody(request) : null;
    CallsEndpoint.Request call = new CallsEndpoint.Request(
        request.getMethod(),
        ClientAddress.of(request, trustForwardedFor),
        Loopback.isOwnersOwn(request, trustForwardedFor),
        request.getHeaders().get(HttpHeader.AUTHORIZATION),
        body);
    String base = LinkBase.of(publicBaseUrl, request.getHeaders().get(HttpHeader.HOST), Request.getLocalPort(request));
    respond(response, callback, endpoint.handle(call, base, System.nanoTime()));
    return true;
  }

  /** The body as text, or null when it is larger than a call request can be. */
  private static String readBody(Request request) throws IOException {
    try (InputStream in = Content.Source.asInputStream(request)) {
      byte[] bytes = in.readNBytes(CallsApi.MAX_BODY_BYTES + 1);
      return bytes.length > CallsApi.MAX_BODY_BYTES ? null : new String(bytes, StandardCharsets.UTF_8);
    }
  }

  private static void respond(Response response, Callback callback, CallsApi.Response result) {
    response.setStatus(result.status());
    result.headers().forEach(response.getHeaders()::put);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    Content.Sink.write(response, true, result.json(), callback);
  }
}
