package dev.videocall.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.videocall.testkit.RawHttp;
import dev.videocall.testkit.InviteLink;
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

  static RawHttp.Answer postAs(int port, String host, String extraHeaders) throws Exception {
    return RawHttp.exchange(port, "POST /api/calls HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json\r\n"
        + extraHeaders + "Content-Length: " + BODY.length() + "\r\nConnection: close\r\n\r\n" + BODY);
  }

  /**
   * Issue 26, item 3: DNS rebinding. A page of evil.example whose name now resolves to 127.0.0.1
   * reaches the loopback, and its browser sends Host and Origin with evil.example; that request got
   * both links back, which the page could read (same origin, as far as its browser knows).
   */
  @Test
  void aRebindingPageOnTheLoopbackIsNotTheOwner() throws Exception {
    try (LocalStack stack = start(Map.of())) {
      int port = stack.port();
      String evil = "evil.example:" + port;
      RawHttp.Answer rebound = postAs(port, evil, "Origin: http://" + evil + "\r\n");
      assertEquals(401, rebound.status(), rebound.body());
      assertFalse(rebound.body().contains("/video?"), "no links: " + rebound.body());
      assertEquals(401, postAs(port, evil, "").status(), "a Host that is not the loopback, without Origin");
      assertEquals(403, postAs(port, "localhost:" + port, "Origin: http://" + evil + "\r\n").status(), "another site's page");
      RawHttp.Answer withKey = postAs(port, evil, "Origin: http://" + evil + "\r\nAuthorization: Bearer " + KEY + "\r\n");
      assertEquals(200, withKey.status(), "the owner key works from any page");
      assertTrue(withKey.body().contains("http://localhost:" + port + "/video?"), withKey.body());
      for (String host : List.of("localhost:" + port, "127.0.0.1:" + port, "[::1]:" + port)) {
        assertEquals(200, postAs(port, host, "Origin: http://" + host + "\r\n").status(), "the owner's own page at " + host);
        assertEquals(200, postAs(port, host, "").status(), "curl at " + host);
      }
    }
  }

  /**
   * Issue 26, item 3: a request relayed by a reverse proxy on this machine that adds only
   * {@code X-Real-IP} (nginx's habit) was trusted as the loopback; so is any other proxy header.
   */
  @Test
  void aProxysHeaderAloneMakesTheRequestSomeoneElses() throws Exception {
    try (LocalStack stack = start(Map.of("CREATE_CALL_BURST", "100"))) {
      for (String header : List.of("X-Real-IP: 203.0.113.9", "X-Forwarded-Host: video.example.com", "X-Forwarded-Proto: https",
          "Via: 1.1 proxy", "True-Client-IP: 203.0.113.9", "CF-Connecting-IP: 203.0.113.9")) {
        RawHttp.Answer relayed = post(stack.port(), header + "\r\n");
        assertEquals(401, relayed.status(), header + ": " + relayed.body());
      }
      assertEquals(200, post(stack.port(), "X-Real-IP: 203.0.113.9\r\nAuthorization: Bearer " + KEY + "\r\n").status());
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
      InviteLink annLink = InviteLink.parse(links.get("ann").getAsString());
      WsClient forged = new InviteLink(annLink.query().replace("userID=ann", "userID=eve"), annLink.token()).connect(port, origin);
      assertFalse(forged.frames.poll(2, java.util.concurrent.TimeUnit.SECONDS).contains("turn:"), "a refused link learns nothing");
      WsClient ann = annLink.connect(port, origin);
      JsonObject turn = ann.next("welcome").getAsJsonArray("iceServers").asList().stream()
          .map(e -> e.getAsJsonObject())
          .filter(s -> s.toString().contains("turn:turn.example:3478"))
          .findFirst().orElseThrow();
      assertTrue(turn.get("username").getAsString().endsWith(":ann"));
      assertFalse(turn.get("credential").getAsString().isEmpty());
    }
  }
}
