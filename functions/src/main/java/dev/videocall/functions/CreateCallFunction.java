package dev.videocall.functions;

import com.google.cloud.functions.HttpFunction;
import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import dev.videocall.core.CallsApi;
import dev.videocall.core.CallsEndpoint;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * CreateCall as a public HTTP function that only the site's owner can use: {@code POST
 * {"users":["alice","bob","carol"]}} (two to four names) with {@code Authorization: Bearer <owner key>}
 * → one link per person, starting with {@code PUBLIC_BASE_URL}. Cloud Run's invoker check is off for it (Terraform), so the site's own page
 * can call it from the owner's phone; {@link CallsEndpoint} decides who may, and how often.
 *
 * <p>Browsers: the site's page is another origin, so this answers CORS for the site's origins only
 * ({@link SiteOrigins}): the preflight ({@code OPTIONS}) allows POST with {@code Authorization} and
 * {@code Content-Type}, and {@code Retry-After} is readable by the page. A request whose
 * {@code Origin} is any other site is refused with 403 before anything else.
 */
public final class CreateCallFunction implements HttpFunction {
  private final CallsEndpoint endpoint;
  private final String publicBaseUrl;
  private final SiteOrigins origins;

  public CreateCallFunction() {
    this(CloudWiring.callsEndpoint(), CloudWiring.CONFIG.publicBaseUrl(), CloudWiring.CONFIG.allowedOrigins());
  }

  public CreateCallFunction(CallsEndpoint endpoint, String publicBaseUrl, List<String> allowedOrigins) {
    if (publicBaseUrl == null || publicBaseUrl.isBlank()) {
      throw new IllegalArgumentException("PUBLIC_BASE_URL is required: the site's URL that links start with");
    }
    this.endpoint = endpoint;
    this.publicBaseUrl = publicBaseUrl;
    this.origins = new SiteOrigins(publicBaseUrl, allowedOrigins);
  }

  @Override
  public void service(HttpRequest request, HttpResponse response) throws IOException {
    response.appendHeader("Cache-Control", "no-store");
    response.appendHeader("Vary", "Origin");
    String origin = request.getFirstHeader("Origin").orElse(null);
    if (origin != null) {
      if (!origins.allows(origin)) {
        respond(response, CallsApi.originNotAllowed());
        return;
      }
      response.appendHeader("Access-Control-Allow-Origin", origin);
      response.appendHeader("Access-Control-Expose-Headers", "Retry-After");
    }
    if ("OPTIONS".equals(request.getMethod())) {
      response.appendHeader("Access-Control-Allow-Methods", "POST");
      response.appendHeader("Access-Control-Allow-Headers", "authorization, content-type");
      response.appendHeader("Access-Control-Max-Age", "600");
      response.setStatusCode(204);
      return;
    }
    CallsEndpoint.Caller caller = new CallsEndpoint.Caller(
        request.getMethod(), clientAddress(request), false, request.getFirstHeader("Authorization").orElse(null));
    // The body is read only for a caller the endpoint lets through.
    Optional<CallsApi.Response> refused = endpoint.admit(caller, System.nanoTime());
    respond(response, refused.isPresent() ? refused.get() : endpoint.create(readBody(request), publicBaseUrl));
  }

  /**
   * The caller's address as Cloud Run reports it: the last {@code X-Forwarded-For} hop, the one
   * Google's front end added (earlier ones are whatever the client sent), as the gateway reads it.
   */
  private static String clientAddress(HttpRequest request) {
    String forwarded = request.getFirstHeader("X-Forwarded-For").orElse("");
    String[] hops = forwarded.split(",");
    String last = hops[hops.length - 1].trim();
    return last.isEmpty() ? "unknown" : last;
  }

  /** The body as text, or null when it is larger than a call request can be. */
  private static String readBody(HttpRequest request) throws IOException {
    try (InputStream in = request.getInputStream()) {
      byte[] bytes = in.readNBytes(CallsApi.MAX_BODY_BYTES + 1);
      return bytes.length > CallsApi.MAX_BODY_BYTES ? null : new String(bytes, StandardCharsets.UTF_8);
    }
  }

  private static void respond(HttpResponse response, CallsApi.Response result) throws IOException {
    response.setContentType("application/json; charset=utf-8");
    result.headers().forEach(response::appendHeader);
    response.setStatusCode(result.status());
    try (Writer w = response.getWriter()) {
      w.write(result.json());
    }
  }
}
