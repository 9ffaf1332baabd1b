package dev.videocall.gateway;

import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * Hands a WebSocket upgrade to Jetty without its query, keeping the link's parameters aside for the
 * gateway's upgrade decision. Jetty's core session holds the request's URI and a parsed map of its
 * query for the socket's whole life, though nothing reads them after the upgrade: about 1 KB of every
 * idle socket (docs/performance.md, round 5).
 */
final class QueryFreeUpgrade extends Handler.Wrapper {
  private final String path;

  QueryFreeUpgrade(String path, Handler next) {
    super(next);
    this.path = path;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    if (request.getHttpURI().getQuery() == null || !path.equals(Request.getPathInContext(request))) {
      return super.handle(request, response, callback);
    }
    return super.handle(new WithoutQuery(request), response, callback);
  }

  /** The query parameters the request came with, whether or not this handler took them off its URI. */
  static Fields parameters(Request request) {
    WithoutQuery stripped = Request.as(request, WithoutQuery.class);
    return stripped != null ? stripped.parameters : Request.extractQueryParameters(request);
  }

  private static final class WithoutQuery extends Request.Wrapper {
    private final Fields parameters;
    private final HttpURI uri;

    WithoutQuery(Request request) {
      super(request);
      parameters = Request.extractQueryParameters(request);
      uri = HttpURI.build(request.getHttpURI()).query(null).asImmutable();
    }

    @Override
    public HttpURI getHttpURI() {
      return uri;
    }
  }
}
