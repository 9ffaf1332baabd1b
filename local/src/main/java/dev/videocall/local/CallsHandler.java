package dev.videocall.local;

import dev.videocall.core.CallsApi;
import dev.videocall.core.CallsEndpoint;
import dev.videocall.gateway.ClientAddress;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Promise;

/**
 * {@code POST /api/calls} on the embedded server: answers with what {@link CallsEndpoint} says. The
 * owner is whoever sends the owner key, or a request straight from this machine's loopback interface
 * to a loopback name ({@link Loopback#isOwnersOwn}); every request spends from its address's creation
 * budget. The endpoint decides all that before the body is read, and the body is then read without
 * holding a thread ({@link BoundedBody}), within {@link #BODY_DEADLINE}. Links start where
 * {@link LinkBase} says: the configured public URL, or a loopback {@code Host} as the browser sent
 * it, never an arbitrary one. (The gateway has already refused a POST whose Origin is another site.)
 */
final class CallsHandler extends Handler.Abstract {
  /** A call request is two to four short names, one packet on any link; a body still coming after this is an attack. */
  static final Duration BODY_DEADLINE = Duration.ofSeconds(5);

  private final CallsEndpoint endpoint;
  private final String publicBaseUrl;
  private final boolean trustForwardedFor;

  CallsHandler(CallsEndpoint endpoint, String publicBaseUrl, boolean trustForwardedFor) {
    this.endpoint = endpoint;
    this.publicBaseUrl = publicBaseUrl;
    this.trustForwardedFor = trustForwardedFor;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    if (!"/api/calls".equals(Request.getPathInContext(request))) {
      return false;
    }
    CallsEndpoint.Caller caller = new CallsEndpoint.Caller(
        request.getMethod(),
        ClientAddress.of(request, trustForwardedFor),
        Loopback.isOwnersOwn(request, trustForwardedFor),
        request.getHeaders().get(HttpHeader.AUTHORIZATION));
    // Refused unread: Jetty closes the connection rather than wait for what the client still sends.
    Optional<CallsApi.Response> refused = endpoint.admit(caller, System.nanoTime());
    if (refused.isPresent()) {
      respond(response, callback, refused.get());
      return true;
    }
    if (request.getLength() > CallsApi.MAX_BODY_BYTES) {
      respond(response, callback, CallsApi.tooLarge());
      return true;
    }
    String base = LinkBase.of(publicBaseUrl, request.getHeaders().get(HttpHeader.HOST), Request.getLocalPort(request));
    BoundedBody.read(request, CallsApi.MAX_BODY_BYTES, BODY_DEADLINE, new Promise<>() {
      @Override
      public void succeeded(String body) {
        respond(response, callback, endpoint.create(body, base));
      }

      @Override
      public void failed(Throwable failure) {
        switch (failure) {
          case BoundedBody.TooLarge tooLarge -> respond(response, callback, CallsApi.tooLarge());
          case BoundedBody.TooSlow tooSlow -> respond(response, callback, CallsApi.tooSlow());
          default -> callback.failed(failure);
        }
      }
    });
    return true;
  }

  private static void respond(Response response, Callback callback, CallsApi.Response result) {
    response.setStatus(result.status());
    result.headers().forEach(response.getHeaders()::put);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    Content.Sink.write(response, true, result.json(), callback);
  }
}
