package dev.videocall.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import dev.videocall.contract.invite.InviteTokens;
import dev.videocall.contract.invite.SigningKeys;
import dev.videocall.core.CallCreator;
import dev.videocall.core.CallsApi;
import dev.videocall.core.CallsEndpoint;
import dev.videocall.core.CreationLimiter;
import dev.videocall.core.OwnerKey;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** CreateCall as the Functions Framework calls it: the owner key, CORS for the site's page only, and the rate limit. */
class CreateCallFunctionTest {
  static final String SITE = "https://videocall-gateway-abc123-ew.a.run.app";
  static final String KEY = OwnerKey.generate();
  static final String BODY = "{\"users\":[\"alice\",\"bob\"]}";

  final CreateCallFunction function = new CreateCallFunction(
      new CallsEndpoint(
          new CallsApi(new CallCreator(new InviteTokens(SigningKeys.of("k1", "0123456789abcdef0123456789abcdef".getBytes())),
              Duration.ofHours(1), Instant::now)),
          OwnerKey.of(KEY),
          new CreationLimiter(10, 20, 1_000)),
      SITE + "/",
      List.of("https://www.example.com"));

  @Test
  void theOwnersKeyCreatesACallWithLinksToTheSite() throws Exception {
    Answer a = call("POST", Map.of("Authorization", "Bearer " + KEY, "X-Forwarded-For", "203.0.113.5"), BODY);
    assertEquals(200, a.status, a.body);
    assertTrue(a.body.contains("\"alice\":\"" + SITE + "/video?userID=alice&peerID=bob#token="), a.body);
    assertEquals("no-store", a.header("Cache-Control"));
  }

  @Test
  void withoutTheKeyNothingIsCreated() throws Exception {
    Answer none = call("POST", Map.of(), BODY);
    assertEquals(401, none.status);
    assertEquals("Bearer realm=\"videocall\"", none.header("WWW-Authenticate"));
    assertEquals(401, call("POST", Map.of("Authorization", "Bearer wrong-0123456789abcdefghijklmn"), BODY).status);
    assertEquals(405, call("GET", Map.of("Authorization", "Bearer " + KEY), null).status);
  }

  @Test
  void theSitesPageMayCallItAcrossOriginsAndNoOtherSite() throws Exception {
    Answer preflight = call("OPTIONS", Map.of("Origin", SITE, "Access-Control-Request-Method", "POST",
        "Access-Control-Request-Headers", "authorization,content-type"), null);
    assertEquals(204, preflight.status);
    assertEquals(SITE, preflight.header("Access-Control-Allow-Origin"));
    assertEquals("POST", preflight.header("Access-Control-Allow-Methods"));
    assertTrue(preflight.header("Access-Control-Allow-Headers").contains("authorization"));

    Answer fromSite = call("POST", Map.of("Origin", SITE, "Authorization", "Bearer " + KEY), BODY);
    assertEquals(200, fromSite.status);
    assertEquals(SITE, fromSite.header("Access-Control-Allow-Origin"));
    assertEquals("Retry-After", fromSite.header("Access-Control-Expose-Headers"));
    assertEquals(200, call("POST", Map.of("Origin", "https://WWW.example.com", "Authorization", "Bearer " + KEY), BODY).status);

    for (String foreign : List.of("https://evil.example", SITE + ".evil.example", "http://videocall-gateway-abc123-ew.a.run.app", "null")) {
      Answer refused = call("OPTIONS", Map.of("Origin", foreign), null);
      assertEquals(403, refused.status, foreign);
      assertNull(refused.header("Access-Control-Allow-Origin"), foreign);
      assertEquals(403, call("POST", Map.of("Origin", foreign, "Authorization", "Bearer " + KEY), BODY).status, foreign);
    }
  }

  @Test
  void guessesFromOneAddressAreRateLimited() throws Exception {
    for (int i = 0; i < 20; i++) {
      call("POST", Map.of("Authorization", "Bearer guess-" + i + "-0123456789abcdefghij", "X-Forwarded-For", "198.51.100.4"), BODY);
    }
    Answer limited = call("POST", Map.of("Authorization", "Bearer " + KEY, "X-Forwarded-For", "spoofed, 198.51.100.4"), BODY);
    assertEquals(429, limited.status, "a spoofed first hop does not escape the limit");
    assertEquals("6", limited.header("Retry-After"));
    assertFalse(limited.body.contains("alice"));
  }

  /** Issue 26, item 1: the key and the address's budget are decided before the body is read. */
  @Test
  void aRefusedCallersBodyIsNotRead() throws Exception {
    assertEquals(401, call("POST", Map.of("X-Forwarded-For", "198.51.100.7"), BODY).status);
    assertEquals(401, call("POST", Map.of("Authorization", "Bearer wrong-0123456789abcdefghijklmn"), BODY).status);
    assertEquals(0, bodiesRead, "no body read for a caller without the key");
    assertEquals(200, call("POST", Map.of("Authorization", "Bearer " + KEY), BODY).status);
    assertEquals(1, bodiesRead);
  }

  /** How many request bodies the function opened. */
  int bodiesRead;

  record Answer(int status, Map<String, List<String>> headers, String body) {
    String header(String name) {
      List<String> values = headers.get(name);
      return values == null ? null : values.get(0);
    }
  }

  Answer call(String method, Map<String, String> headers, String body) throws Exception {
    Map<String, List<String>> requestHeaders = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.forEach((k, v) -> requestHeaders.put(k, List.of(v)));
    byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    HttpRequest request = new HttpRequest() {
      @Override public String getMethod() { return method; }
      @Override public String getUri() { return "/"; }
      @Override public String getPath() { return "/"; }
      @Override public Optional<String> getQuery() { return Optional.empty(); }
      @Override public Map<String, List<String>> getQueryParameters() { return Map.of(); }
      @Override public Map<String, HttpPart> getParts() { return Map.of(); }
      @Override public Optional<String> getContentType() { return Optional.of("application/json"); }
      @Override public long getContentLength() { return bytes.length; }
      @Override public Optional<String> getCharacterEncoding() { return Optional.empty(); }
      @Override public InputStream getInputStream() {
        bodiesRead++;
        return new ByteArrayInputStream(bytes);
      }
      @Override public BufferedReader getReader() { return new BufferedReader(new InputStreamReader(getInputStream(), StandardCharsets.UTF_8)); }
      @Override public Map<String, List<String>> getHeaders() { return requestHeaders; }
    };
    Map<String, List<String>> responseHeaders = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int[] status = {200};
    HttpResponse response = new HttpResponse() {
      @Override public void setStatusCode(int code) { status[0] = code; }
      @Override public void setStatusCode(int code, String message) { status[0] = code; }
      @Override public void setContentType(String type) { appendHeader("Content-Type", type); }
      @Override public Optional<String> getContentType() { return Optional.ofNullable(responseHeaders.get("Content-Type")).map(l -> l.get(0)); }
      @Override public void appendHeader(String name, String value) { responseHeaders.computeIfAbsent(name, k -> new ArrayList<>()).add(value); }
      @Override public Map<String, List<String>> getHeaders() { return responseHeaders; }
      @Override public OutputStream getOutputStream() { return out; }
      @Override public BufferedWriter getWriter() { return new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8)); }
    };
    function.service(request, response);
    return new Answer(status[0], responseHeaders, out.toString(StandardCharsets.UTF_8));
  }
}
