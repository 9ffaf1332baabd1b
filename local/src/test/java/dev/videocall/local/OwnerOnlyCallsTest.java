package dev.videocall.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.videocall.testkit.RawHttp;
import dev.videocall.testkit.WsClient;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, finding 5: anyone who reached the server could create calls (500 in 0.4 s), and with
 * TURN configured every call handed out TURN credentials. Now only the owner creates calls (the
 * loopback interface, or the owner key from anywhere else), creation is rate-limited, and TURN
 * credentials appear only in {@code welcome}.
 */
class OwnerOnlyCallsTest {
  static final String KEY = "owner-key-for-tests-0123456789abcdef";
  static final String TURN_SECRET = "turn-secret-for-tests-0123456789";
  static final String BODY = "{\"users\":[\"ann\",\"ben\"]}";

  static LocalStack start(Map<String, String> extra) throws Exception {
    Map<String, String> env = new HashMap<>(Map.of("PORT", "0", "OWNER_KEY", KEY, "MAX_NEW_CONNECTIONS_PER_ADDRESS_PER_MINUTE", "10000"));
    env.putAll(extra);
    return LocalStack.start(LocalConfig.fromEnv(env));
  }

  static RawHttp.Answer post(int port, String extraHeaders) throws Exception {
    return RawHttp.exchange(port, "POST /api/calls HTTP/1.1\r\nHost: localhost:" + port + "\r\nContent-Type: application/json\r\n"
        + extraHeaders + "Content-Length: " + BODY.length() + "\r\nConnection: close\r\n\r\n" + BODY);
  }

  @Test
  void fromElsewhereTheOwnerKeyIsNeeded() throws Exception {
    try (LocalStack stack = start(Map.of())) {
      int port = stack.port();
      // A request relayed by a proxy on this machine is not the owner's own.
      RawHttp.Answer anonymous = post(port, "X-Forwarded-For: 203.0.113.9\r\n");
      assertEquals(401, anonymous.status(), anonymous.body());
      assertEquals("Bearer realm=\"videocall\"", anonymous.header("www-authenticate"));
      assertTrue(anonymous.body().contains("owner-key-required"), anonymous.body());
      assertEquals(401, post(port, "Forwarded: for=203.0.113.9\r\n").status());
      assertEquals(401, post(port, "X-Forwarded-For: 203.0.113.9\r\nAuthorization: Bearer not-the-key-0123456789abcdef\r\n").status());
      RawHttp.Answer owner = post(port, "X-Forwarded-For: 203.0.113.9\r\nAuthorization: Bearer " + KEY + "\r\n");
      assertEquals(200, owner.status(), owner.body());
      assertEquals(200, post(port, "").status(), "straight from this machine's loopback: no key needed");
    }
  }

  /** The same over a real non-loopback interface of this machine, where it has one. */
  @Test
  void overANonLoopbackInterfaceTheOwnerKeyIsNeeded() throws Exception {
    Optional<InetAddress> lan = NetworkInterface.networkInterfaces()
        .filter(i -> { try { return i.isUp() && !i.isLoopback(); } catch (Exception e) { return false; } })
        .flatMap(NetworkInterface::inetAddresses)
        .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress())
        .findFirst();
    assumeTrue(lan.isPresent(), "this machine has no non-loopback IPv4 address");
    try (LocalStack stack = start(Map.of())) {
      String host = lan.get().getHostAddress();
      var http = java.net.http.HttpClient.newHttpClient();
      var request = java.net.http.HttpRequest.newBuilder(URI.create("http://" + host + ":" + stack.port() + "/api/calls"))
          .POST(java.net.http.HttpRequest.BodyPublishers.ofString(BODY));
      assertEquals(401, http.send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode());
      var withKey = http.send(request.header("Authorization", "Bearer " + KEY).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
      assertEquals(200, withKey.statusCode(), withKey.body());
      // Links do not take the LAN address from Host: without PUBLIC_BASE_URL they point at localhost.
      assertTrue(withKey.body().contains("http://localhost:" + stack.port() + "/video?"), withKey.body());
    }
  }

  /** The attack run: 500 calls in 0.4 s. */
  @Test
  void creationIsRateLimitedEvenForTheOwner() throws Exception {
    try (LocalStack stack = start(Map.of())) {
      int created = 0;
      RawHttp.Answer last = null;
      for (int i = 0; i < 500; i++) {
        last = post(stack.port(), "");
        if (last.status() == 200) {
          created++;
        }
      }
      assertEquals(20, created, "the default burst, then 10 a minute");
      assertEquals(429, last.status());
      assertTrue(Integer.parseInt(last.header("retry-after")) > 0);
      assertTrue(last.body().contains("rate-limited"), last.body());
    }
  }

  @Test
  void wrongKeysFromOneAddressAreSlowedLikeRightOnes() throws Exception {
    try (LocalStack stack = start(Map.of("CREATE_CALL_BURST", "5", "CREATE_CALLS_PER_MINUTE", "1"))) {
      for (int i = 0; i < 5; i++) {
        assertEquals(401, post(stack.port(), "X-Forwarded-For: 203.0.113.9\r\nAuthorization: Bearer guess-" + i + "-0123456789abcdefgh\r\n").status());
      }
      RawHttp.Answer limited = post(stack.port(), "X-Forwarded-For: 203.0.113.9\r\nAuthorization: Bearer guess-5-0123456789abcdefgh\r\n");
      assertEquals(429, limited.status());
      assertEquals("60", limited.header("retry-after"));
    }
  }

  @Test
  void anotherSitesPageCannotPostToTheOwnersServer() throws Exception {
    try (LocalStack stack = start(Map.of())) {
      RawHttp.Answer forged = post(stack.port(), "Origin: https://evil.example\r\n");
      assertEquals(403, forged.status(), "a cross-site POST from the owner's own browser is refused unread");
      assertEquals(200, post(stack.port(), "Origin: http://localhost:" + stack.port() + "\r\n").status());
    }
  }

  @Test
  void thePageLearnsWhereToCreateCalls() throws Exception {
    try (LocalStack local = start(Map.of())) {
      RawHttp.Answer config = RawHttp.get(local.port(), "/config.json");
      assertEquals(200, config.status());
      assertEquals("/api/calls", JsonParser.parseString(config.body()).getAsJsonObject().get("createCallUrl").getAsString());
    }
    String cloud = "https://europe-west1-my-project.cloudfunctions.net/videocall-create-call";
    try (LocalStack elsewhere = start(Map.of("CREATE_CALL_URL", cloud))) {
      RawHttp.Answer config = RawHttp.get(elsewhere.port(), "/config.json");
      assertEquals(cloud, JsonParser.parseString(config.body()).getAsJsonObject().get("createCallUrl").getAsString());
      String csp = RawHttp.get(elsewhere.port(), "/").header("content-security-policy");
      assertTrue(csp.contains("connect-src 'self' ws: wss: https://europe-west1-my-project.cloudfunctions.net;"), csp);
    }
  }

  @Test
  void turnCredentialsReachOnlyPeopleWhoJoinedWithAValidLink() throws Exception {
    try (LocalStack stack = start(Map.of("TURN_URLS", "turn:turn.example:3478", "TURN_SECRET", TURN_SECRET))) {
      int port = stack.port();
      String origin = "http://localhost:" + port;
      RawHttp.Answer created = post(port, "");
      RawHttp.Answer config = RawHttp.get(port, "/config.json");
      List<RawHttp.Answer> beforeJoining = List.of(created, config, RawHttp.get(port, "/"), RawHttp.get(port, "/healthz"));
      for (RawHttp.Answer a : beforeJoining) {
        assertFalse(a.body().contains("turn:") || a.body().contains("credential") || a.body().contains(TURN_SECRET), a.body());
      }
      JsonObject links = JsonParser.parseString(created.body()).getAsJsonObject().getAsJsonObject("links");
      WsClient forged = WsClient.connect(port, URI.create(links.get("ann").getAsString()).getRawQuery().replace("userID=ann", "userID=eve"), origin);
      assertFalse(forged.frames.poll(2, java.util.concurrent.TimeUnit.SECONDS).contains("turn:"), "a refused link learns nothing");
      WsClient ann = WsClient.connect(port, URI.create(links.get("ann").getAsString()).getRawQuery(), origin);
      JsonObject turn = ann.next("welcome").getAsJsonArray("iceServers").asList().stream()
          .map(e -> e.getAsJsonObject())
          .filter(s -> s.toString().contains("turn:turn.example:3478"))
          .findFirst().orElseThrow();
      assertTrue(turn.get("username").getAsString().endsWith(":ann"));
      assertFalse(turn.get("credential").getAsString().isEmpty());
    }
  }
}
