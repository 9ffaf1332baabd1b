package dev.videocall.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Serves the page from the classpath folder {@code web/}: {@code /} is the new-call form,
 * {@code /video} the call page, anything else a file by its path. Files are read once and kept (the
 * page is a few tens of kilobytes). Every response carries the security headers.
 */
final class StaticSite extends Handler.Abstract {
  private static final Pattern SAFE_PATH = Pattern.compile("/[A-Za-z0-9_\\-./]{1,200}");
  private static final Map<String, String> ROUTES = Map.of("/", "/index.html", "/video", "/video.html");
  private static final Map<String, String> TYPES =
      Map.of(
          "html", "text/html; charset=utf-8",
          "js", "text/javascript; charset=utf-8",
          "mjs", "text/javascript; charset=utf-8",
          "css", "text/css; charset=utf-8",
          "svg", "image/svg+xml",
          "png", "image/png",
          "ico", "image/x-icon",
          "json", "application/json",
          "webmanifest", "application/manifest+json");

  private record File(byte[] bytes, String contentType) {}

  private final ClassLoader loader = StaticSite.class.getClassLoader();
  private final ConcurrentHashMap<String, Optional<File>> cache = new ConcurrentHashMap<>();

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    String method = request.getMethod();
    if (!HttpMethod.GET.is(method) && !HttpMethod.HEAD.is(method)) {
      return false;
    }
    String path = ROUTES.getOrDefault(Request.getPathInContext(request), Request.getPathInContext(request));
    if (!SAFE_PATH.matcher(path).matches() || path.contains("..")) {
      return false;
    }
    Optional<File> file = cache.computeIfAbsent(path, this::load);
    if (file.isEmpty()) {
      return false;
    }
    SecurityHeaders.apply(response);
    response.setStatus(HttpStatus.OK_200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, file.get().contentType());
    // Always revalidate: the page and its modules change together on deploy.
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, path.endsWith(".html") ? "no-store" : "no-cache");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, file.get().bytes().length);
    if (HttpMethod.HEAD.is(method)) {
      callback.succeeded();
    } else {
      response.write(true, ByteBuffer.wrap(file.get().bytes()), callback);
    }
    return true;
  }

  private Optional<File> load(String path) {
    int dot = path.lastIndexOf('.');
    String type = dot < 0 ? null : TYPES.get(path.substring(dot + 1));
    if (type == null) {
      return Optional.empty();
    }
    try (InputStream in = loader.getResourceAsStream("web" + path)) {
      return in == null ? Optional.empty() : Optional.of(new File(in.readAllBytes(), type));
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
