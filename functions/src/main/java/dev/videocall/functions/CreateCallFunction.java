package dev.videocall.functions;

import com.google.cloud.functions.HttpFunction;
import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import dev.videocall.core.CallsApi;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

/**
 * CreateCall as an IAM-protected HTTP function: {@code POST {"users":["alice","bob"]}} → two links
 * starting with {@code PUBLIC_BASE_URL}. See {@link CallsApi} for the exact contract.
 */
public final class CreateCallFunction implements HttpFunction {
  private final CallsApi api;
  private final String publicBaseUrl;

  public CreateCallFunction() {
    this(CloudWiring.callsApi(), CloudWiring.CONFIG.publicBaseUrl());
  }

  public CreateCallFunction(CallsApi api, String publicBaseUrl) {
    if (publicBaseUrl == null || publicBaseUrl.isBlank()) {
      throw new IllegalArgumentException("PUBLIC_BASE_URL is required: the site's URL that links start with");
    }
    this.api = api;
    this.publicBaseUrl = publicBaseUrl;
  }

  @Override
  public void service(HttpRequest request, HttpResponse response) throws IOException {
    response.setContentType("application/json; charset=utf-8");
    response.appendHeader("Cache-Control", "no-store");
    CallsApi.Response result;
    if (!"POST".equals(request.getMethod())) {
      response.appendHeader("Allow", "POST");
      result = CallsApi.methodNotAllowed();
    } else {
      byte[] bytes;
      try (InputStream in = request.getInputStream()) {
        bytes = in.readNBytes(CallsApi.MAX_BODY_BYTES + 1);
      }
      result = api.create(new String(bytes, StandardCharsets.UTF_8), publicBaseUrl);
    }
    response.setStatusCode(result.status());
    try (Writer w = response.getWriter()) {
      w.write(result.json());
    }
  }
}
