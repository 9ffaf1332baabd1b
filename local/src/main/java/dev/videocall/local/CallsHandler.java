package dev.videocall.local;

import dev.videocall.core.CallsApi;
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
 * {@code POST /api/calls} on the embedded server: reads a small JSON body and answers with what
 * {@link CallsApi} says. Links start where {@link LinkBase} says: the configured public URL, or a
 * loopback {@code Host} as the browser sent it, never an arbitrary one.
 */
final class CallsHandler extends Handler.Abstract {
  private final CallsApi api;
  private final String publicBaseUrl;

  CallsHandler(CallsApi api, String publicBaseUrl) {
    this.api = api;
    this.publicBaseUrl = publicBaseUrl;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws IOException {
    if (!"/api/calls".equals(Request.getPathInContext(request))) {
      return false;
    }
    if (!HttpMethod.POST.is(request.getMethod())) {
      response.getHeaders().put(HttpHeader.ALLOW, "POST");
      respond(response, callback, CallsApi.methodNotAllowed());
      return true;
    }
    String body;
    try (InputStream in = Content.Source.asInputStream(request)) {
      byte[] bytes = in.readNBytes(CallsApi.MAX_BODY_BYTES + 1);
      if (bytes.length > CallsApi.MAX_BODY_BYTES) {
        respond(response, callback, CallsApi.tooLarge());
        return true;
      }
      body = new String(bytes, StandardCharsets.UTF_8);
    }
    respond(response, callback, api.create(body, baseUrl(request)));
    return true;
  }

  private String baseUrl(Request request) {
    return LinkBase.of(publicBaseUrl, request.getHeaders().get(HttpHeader.HOST), Request.getLocalPort(request));
  }

  private static void respond(Response response, Callback callback, CallsApi.Response result) {
    response.setStatus(result.status());
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    Content.Sink.write(response, true, result.json(), callback);
  }
}
