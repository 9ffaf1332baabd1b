package dev.videocall.gateway;

import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Every error answer Jetty writes — our 404s and refused upgrades (403, 429, 503) as well as its own
 * 400 and 431 for requests it cannot parse — as one short line of plain text with the security
 * headers. Nothing from the request (URI, message, exception) is echoed back.
 */
final class PlainErrors extends ErrorHandler {
  private final SecurityHeaders headers;

  PlainErrors(SecurityHeaders headers) {
    this.headers = headers;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    headers.apply(response);
    response.getHeaders().put(ERROR_CACHE_CONTROL);
    int status = response.getStatus();
    if (request.getAttribute(ERROR_EXCEPTION) instanceof HttpException e) {
      status = e.getCode();
      response.setStatus(status);
    }
    if (HttpMethod.HEAD.is(request.getMethod()) || HttpStatus.hasNoBody(status)) {
      callback.succeeded();
      return true;
    }
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
    String body = status + " " + HttpStatus.getMessage(status) + "\n";
    response.write(true, StandardCharsets.UTF_8.encode(body), callback);
    return true;
  }
}
