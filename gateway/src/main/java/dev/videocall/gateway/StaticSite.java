package dev.videocall.gateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Serves the page from the classpath folder {@code web/}: {@code /} is the new-call form,
 * {@code /video} the call page, anything else a file by its path. The whole folder (a few tens of
 * kilobytes, fixed at build time) is read once at start-up; a request only looks it up, so serving
 * holds the same memory whatever is asked, and a miss is never remembered. Every response carries
 * the security headers.
 */
final class StaticSite extends Handler.Abstract {
  private static final Pattern SAFE_PATH = Pattern.compile("/[A-Za-z0-9_\\-./]{1,200}");
  private static final Map<String, String> ROUTES = Map.of("/", "/index.html", Gateway.CALL_PAGE, "/video.html");
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
  /** Every build has it; where it is found is where the page is (the first such folder wins). */
  private static final String MARKER = "web/index.html";

  record File(byte[] bytes, String contentType) {}

  private final SecurityHeaders headers;
  private final Map<String, File> files;

  StaticSite(SecurityHeaders headers) {
    this.headers = headers;
    this.files = load(StaticSite.class.getClassLoader());
  }

  /** How many files are served; fixed from start-up. */
  int size() {
    return files.size();
  }

  /** The file a request path names, if the page has it. */
  Optional<File> lookup(String requestPath) {
    String path = ROUTES.getOrDefault(requestPath, requestPath);
    return Optional.ofNullable(files.get(path));
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    String method = request.getMethod();
    if (!HttpMethod.GET.is(method) && !HttpMethod.HEAD.is(method)) {
      return false;
    }
    String requestPath = Request.getPathInContext(request);
    Optional<File> found = lookup(requestPath);
    if (found.isEmpty()) {
      return false;
    }
    File file = found.get();
    headers.apply(response);
    response.setStatus(HttpStatus.OK_200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, file.contentType());
    // Always revalidate: the page and its modules change together on deploy.
    boolean html = file.contentType().startsWith("text/html");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, html ? "no-store" : "no-cache");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, file.bytes().length);
    if (HttpMethod.HEAD.is(method)) {
      callback.succeeded();
    } else {
      response.write(true, ByteBuffer.wrap(file.bytes()), callback);
    }
    return true;
  }

  /** Reads every servable file under the classpath folder that holds {@link #MARKER}. */
  private static Map<String, File> load(ClassLoader loader) {
    URL marker = loader.getResource(MARKER);
    if (marker == null) {
      return Map.of();
    }
    try {
      URI uri = marker.toURI();
      if ("jar".equals(uri.getScheme())) {
        try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
          return readTree(jar.provider().getPath(uri).getParent());
        } catch (FileSystemAlreadyExistsException e) {
          return readTree(FileSystems.getFileSystem(uri).provider().getPath(uri).getParent());
        }
      }
      return readTree(Path.of(uri).getParent());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the page from " + marker, e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot read the page from " + marker, e);
    }
  }

  private static Map<String, File> readTree(Path root) throws IOException {
    Map<String, File> out = new HashMap<>();
    // Links are followed: a test may put a linked working-tree web/ first on the classpath.
    try (Stream<Path> paths = Files.walk(root, FileVisitOption.FOLLOW_LINKS)) {
      for (Path p : (Iterable<Path>) paths.filter(Files::isRegularFile)::iterator) {
        String path = "/" + root.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/");
        String type = typeOf(path);
        if (type != null && SAFE_PATH.matcher(path).matches() && !path.contains("..")) {
          out.put(path, new File(Files.readAllBytes(p), type));
        }
      }
    }
    return Map.copyOf(out);
  }

  private static String typeOf(String path) {
    int dot = path.lastIndexOf('.');
    return dot < 0 ? null : TYPES.get(path.substring(dot + 1));
  }
}
