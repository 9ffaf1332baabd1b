package dev.videocall.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import dev.videocall.testkit.InviteLink;
import dev.videocall.testkit.LogCapture;
import dev.videocall.testkit.RawHttp;
import dev.videocall.testkit.WsClient;

/** The embedded default end to end over real HTTP and real WebSockets: bad input included. */
class LocalStackTest {
  static final String KEYS = "t1:" + java.util.Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());
  static final String OWNER_KEY = "local-stack-test-owner-key-0123456789";
  static LocalStack stack;
  static String origin;
  /** Every log event of the stack, for counting. */
  static LogCapture logs;

  @BeforeAll
  static void start() throws Exception {
    stack = LocalStack.start(LocalConfig.fromEnv(Map.of("PORT", "0", "MAX_NEW_CONNECTIONS_PER_ADDRESS_PER_MINUTE", "10000", "INVITE_SIGNING_KEYS", KEYS,
        "OWNER_KEY", OWNER_KEY)));
    origin = "http://localhost:" + stack.port();
    logs = LogCapture.start();
  }

  @AfterAll
  static void stop() {
    stack.close();
    logs.close();
  }

  /**
   * The queries an older client sends for a fresh call's two links (token in the query, the form
   * still accepted), a's first.
   */
  static String[] newCall(String a, String b) throws Exception {
    return newCall(origin, a, b);
  }

  static String[] newCall(String origin, String a, String b) throws Exception {
    InviteLink[] links = newCallLinks(origin, a, b);
    return new String[] {links[0].legacyQuery(), links[1].legacyQuery()};
  }

  /** A fresh call's two links as the server made them, a's first. */
  static InviteLink[] newCallLinks(String origin, String a, String b) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(origin + "/api/calls"))
            .POST(HttpRequest.BodyPublishers.ofString("{\"users\":[\"" + a + "\",\"" + b + "\"]}"))
            .header("content-type", "application/json").build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    JsonObject links = JsonParser.parseString(r.body()).getAsJsonObject().getAsJsonObject("links");
    return new InviteLink[] {InviteLink.parse(links.get(a).getAsString()), InviteLink.parse(links.get(b).getAsString())};
  }

  @Test
  void linksCarryTheRequestsOwnHostAndPort() throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(origin + "/api/calls"))
            .POST(HttpRequest.BodyPublishers.ofString("{\"users\":[\"ann\",\"ben\"]}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertTrue(r.body().contains("\"ann\":\"" + origin + "/video?userID=ann&peerID=ben#token="), r.body());
  }

  /**
   * The attack run: Host: evil.example returned links to evil.example. (Without the owner key such a
   * request is not the owner's, even from the loopback: OwnerOnlyCallsTest.)
   */
  @Test
  void aForgedHostDoesNotChooseWhereLinksPoint() throws Exception {
    String body = "{\"users\":[\"hal\",\"ivy\"]}";
    RawHttp.Answer r = RawHttp.exchange(stack.port(), "POST /api/calls HTTP/1.1\r\nHost: evil.example\r\n"
        + "Authorization: Bearer " + OWNER_KEY + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body);
    assertEquals(200, r.status(), r.body());
    assertFalse(r.body().contains("evil.example"), r.body());
    assertTrue(r.body().contains("\"hal\":\"http://localhost:" + stack.port() + "/video?userID=hal&peerID=ivy#token="), r.body());
  }

  @Test
  void aCallsSignalingFlowsBothWays() throws Exception {
    String[] q = newCall("alice", "bob");
    WsClient alice = WsClient.connect(stack.port(), q[0], origin);
    assertEquals("answerer", alice.next("welcome").get("role").getAsString());
    WsClient bob = WsClient.connect(stack.port(), q[1], origin);
    assertEquals("offerer", bob.next("welcome").get("role").getAsString());
    assertEquals("bob", alice.next("peer-joined").get("peerID").getAsString());
    bob.send("{\"type\":\"offer\",\"sdp\":\"v=0 offer\"}");
    JsonObject offer = alice.next();
    assertEquals("offer", offer.get("type").getAsString());
    assertEquals("bob", offer.get("from").getAsString());
    alice.send("{\"type\":\"answer\",\"sdp\":\"v=0 answer\"}");
    assertEquals("v=0 answer", bob.next().get("sdp").getAsString());
    for (int i = 0; i < 20; i++) {
      alice.send("{\"type\":\"candidate\",\"ice\":{\"candidate\":\"candidate:" + i + "\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0}}");
    }
    for (int i = 0; i < 20; i++) {
      assertEquals("candidate:" + i, bob.next().getAsJsonObject("ice").get("candidate").getAsString(), "in order");
    }
    bob.send("{\"type\":\"bye\"}");
    assertEquals("hangup", alice.next("peer-left").get("reason").getAsString());
  }

  /**
   * The page's way (issue 12, item 6): links carry the token in the fragment, the page offers it as a
   * subprotocol, and the URL the server sees, and logs, has none. An older client's query form joins
   * the same call; a socket whose two tokens disagree is refused with 4000.
   */
  @Test
  void aCallJoinedWithTheTokenInTheSubprotocolMeetsOneJoinedTheOldWay() throws Exception {
    InviteLink[] links = newCallLinks(origin, "sia", "teo");
    WsClient sia = links[0].connect(stack.port(), origin);
    assertEquals("videocall.v1", sia.subprotocol());
    assertEquals("answerer", sia.next("welcome").get("role").getAsString());
    WsClient mixed = WsClient.connect(stack.port(), links[1].query() + "&token=" + java.net.URLEncoder.encode(links[0].token(),
        java.nio.charset.StandardCharsets.UTF_8), origin, java.util.List.of("videocall.v1", "token." + links[1].token()));
    assertEquals("invalid-link", mixed.next("error").get("code").getAsString());
    assertEquals(4000, mixed.closeCode(), "two different tokens on one socket");
    WsClient teo = WsClient.connect(stack.port(), links[1].legacyQuery(), origin);
    assertEquals("offerer", teo.next("welcome").get("role").getAsString());
    assertEquals("teo", sia.next("peer-joined").get("peerID").getAsString());
    teo.send("{\"type\":\"offer\",\"sdp\":\"v=0 offer\"}");
    assertEquals("teo", sia.next("offer").get("from").getAsString());
    sia.send("{\"type\":\"answer\",\"sdp\":\"v=0 answer\"}");
    assertEquals("v=0 answer", teo.next("answer").get("sdp").getAsString());
  }

  @Test
  void badInputGetsDocumentedAnswersAndTheNeighbourCallIsUntouched() throws Exception {
    String[] neighbour = newCall("nia", "ned");
    WsClient nia = WsClient.connect(stack.port(), neighbour[0], origin);
    WsClient ned = WsClient.connect(stack.port(), neighbour[1], origin);
    nia.next("welcome");
    ned.next("welcome");

    String[] q = newCall("mal", "vic");
    WsClient mal = WsClient.connect(stack.port(), q[0], origin);
    mal.next("welcome");
    WsClient vic = WsClient.connect(stack.port(), q[1], origin);
    vic.next("welcome");
    int warningsBefore = warnings("bad-json");
    mal.send("{nope");
    assertEquals("bad-json", mal.next("error").get("code").getAsString());
    // The log line is written just after the error frame is queued: allow it a moment.
    long deadline = System.nanoTime() + 2_000_000_000L;
    while (warnings("bad-json") == warningsBefore && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(warningsBefore + 1, warnings("bad-json"), "one structured log line per refusal");
    mal.send("{\"type\":\"launch\"}");
    assertEquals("unknown-type", mal.next("error").get("code").getAsString());
    mal.send("{\"type\":\"offer\",\"sdp\":\"" + "a".repeat(40_000) + "\"}");
    assertEquals("too-large", mal.next("error").get("code").getAsString());
    mal.sendOversized("x".repeat(1024 * 1024));
    assertEquals(1009, mal.closeCode(), "a message growing towards 1 MiB is closed with 1009 once past 64 KiB");
    assertEquals("disconnected", vic.next("peer-left").get("reason").getAsString());

    // The neighbouring call still relays.
    ned.send("{\"type\":\"offer\",\"sdp\":\"v=0 still here\"}");
    assertEquals("v=0 still here", nia.next("offer").get("sdp").getAsString());
  }

  /**
   * What JSON.parse would refuse or UTF-8 cannot carry is refused, never relayed changed: a byte
   * order mark before the frame, and a string with half of a surrogate pair (JSON.stringify escapes
   * it). A whole pair, escaped or not, reaches the peer as sent.
   */
  @Test
  void aByteOrderMarkAndALoneSurrogateAreBadJsonAndAPairIsRelayedAsSent() throws Exception {
    String[] q = newCall("uma", "val");
    WsClient uma = WsClient.connect(stack.port(), q[0], origin);
    uma.next("welcome");
    WsClient val = WsClient.connect(stack.port(), q[1], origin);
    val.next("welcome");
    uma.next("peer-joined");
    val.send("\uFEFF{\"type\":\"offer\",\"sdp\":\"v=0\"}");
    assertEquals("bad-json", val.next("error").get("code").getAsString());
    val.send("{\"type\":\"offer\",\"sdp\":\"v=0 \\ud800\"}");
    JsonObject refusal = val.next("error");
    assertEquals("bad-json", refusal.get("code").getAsString());
    assertTrue(refusal.get("message").getAsString().contains("unpaired surrogate"), refusal.toString());
    val.send("{\"type\":\"offer\",\"sdp\":\"v=0 \\ud83d\\ude00 \ud83d\ude03\"}");
    assertEquals("v=0 \ud83d\ude00 \ud83d\ude03", uma.next("offer").get("sdp").getAsString(), "the only frame uma hears");
  }

  @Test
  void forgedExpiredAndThirdPartyLinksAreClosedWithTheirCodes() throws Exception {
    String[] q = newCall("amy", "bea");
    String forged = q[0].substring(0, q[0].length() - 2) + (q[0].endsWith("A") ? "BB" : "AA");
    WsClient f = WsClient.connect(stack.port(), forged, origin);
    assertEquals("invalid-token", f.next("error").get("code").getAsString());
    assertEquals(4001, f.closeCode());
    WsClient wrongUser = WsClient.connect(stack.port(), q[0].replace("userID=amy", "userID=eve"), origin);
    assertEquals(4001, wrongUser.closeCode());
    WsClient missing = WsClient.connect(stack.port(), "userID=amy", origin);
    assertEquals(4000, missing.closeCode());
    WsClient amy = WsClient.connect(stack.port(), q[0], origin);
    amy.next("welcome");
    WsClient bea = WsClient.connect(stack.port(), q[1], origin);
    bea.next("welcome");
    amy.next("peer-joined");
    WsClient amyAgain = WsClient.connect(stack.port(), q[0], origin);
    amyAgain.next("welcome");
    assertEquals("replaced", amy.next("error").get("code").getAsString());
    assertEquals(4004, amy.closeCode());
    bea.send("{\"type\":\"offer\",\"sdp\":\"v=0\"}");
    assertEquals("offer", amyAgain.next("offer").get("type").getAsString(), "the newer connection gets the call");
  }

  @Test
  void aThirdPersonWithAGenuineTokenForTheCallFindsItFull() throws Exception {
    String[] q = newCall("uma", "vik");
    WsClient uma = WsClient.connect(stack.port(), q[0], origin);
    uma.next("welcome");
    String session = ((dev.videocall.contract.invite.InviteTokens.Verified) tokens().verify(
        java.net.URLDecoder.decode(q[0].replaceAll(".*token=", ""), java.nio.charset.StandardCharsets.UTF_8), "uma", "vik", java.time.Instant.now())).sessionId();
    // The site owner's key minted a link for someone else into the same call.
    String carolToken = tokens().mint(session, "carol", "uma", java.time.Instant.now().plusSeconds(600));
    WsClient carol = WsClient.connect(stack.port(), "userID=carol&peerID=uma&token=" + java.net.URLEncoder.encode(carolToken, java.nio.charset.StandardCharsets.UTF_8), origin);
    assertEquals("call-full", carol.next("error").get("code").getAsString());
    assertEquals(4003, carol.closeCode());
    WsClient vik = WsClient.connect(stack.port(), q[1], origin);
    assertTrue(vik.next("welcome").get("peerPresent").getAsBoolean(), "the real pair still meets");
  }

  /**
   * Issue 26, item 4: U+212A KELVIN SIGN was accepted as user "k", at creation and at join (with k's
   * own link). Both doors now refuse it, and the real k still joins.
   */
  @Test
  void aLookAlikeNameIsRefusedAtCreationAndAtJoin() throws Exception {
    HttpResponse<String> created = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(origin + "/api/calls"))
            .POST(HttpRequest.BodyPublishers.ofString("{\"users\":[\"\u212A\",\"lou\"]}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(400, created.statusCode(), created.body());
    InviteLink[] links = newCallLinks(origin, "k", "lou");
    WsClient kelvin = new InviteLink("userID=%E2%84%AA&peerID=lou", links[0].token()).connect(stack.port(), origin);
    assertEquals("invalid-link", kelvin.next("error").get("code").getAsString());
    assertEquals(4000, kelvin.closeCode());
    WsClient k = links[0].connect(stack.port(), origin);
    assertEquals("k", k.next("welcome").get("userID").getAsString());
  }

  private static dev.videocall.contract.invite.InviteTokens tokens() {
    return new dev.videocall.contract.invite.InviteTokens(dev.videocall.contract.invite.SigningKeys.parse(KEYS));
  }

  @Test
  void aForeignOriginGets403AndNoConnection() throws Exception {
    String[] q = newCall("oli", "pam");
    int before = stack.gateway().openConnections();
    Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
        () -> WsClient.connect(stack.port(), q[0], "https://evil.example"));
    var handshake = (java.net.http.WebSocketHandshakeException) e.getCause();
    assertEquals(403, handshake.getResponse().statusCode());
    assertEquals(before, stack.gateway().openConnections());
  }

  @Test
  void thePageIsServedWithSecurityHeaders() throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(origin + "/healthz")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode());
    HttpResponse<String> missing = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(origin + "/nothing-here.js")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(404, missing.statusCode());
    assertEquals("no-referrer", missing.headers().firstValue("referrer-policy").orElse(null));
    HttpResponse<String> traversal = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(origin + "/js/%2e%2e/%2e%2e/logback.xml")).build(), HttpResponse.BodyHandlers.ofString());
    assertTrue(traversal.statusCode() == 400 || traversal.statusCode() == 404, "status " + traversal.statusCode());
    assertFalse(traversal.body().contains("configuration"));
  }

  private static int warnings(String code) {
    return logs.withKeyValue("code", code).size();
  }

  /**
   * A call of four from {@code /api/calls}, joined as the page joins: one link each naming the three
   * others, every pair relaying both ways and only to each other, a fifth person refused with 4003,
   * and a hang-up that removes only the one who hung up.
   */
  @Test
  void aCallOfFourFromTheFormRelaysEveryPairAndRefusesAFifth() throws Exception {
    java.util.List<String> people = java.util.List.of("ann4", "bea4", "cid4", "dot4");
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(origin + "/api/calls"))
            .POST(HttpRequest.BodyPublishers.ofString("{\"users\":[\"ann4\",\"bea4\",\"cid4\",\"dot4\"]}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    JsonObject links = JsonParser.parseString(r.body()).getAsJsonObject().getAsJsonObject("links");
    Map<String, WsClient> clients = new java.util.LinkedHashMap<>();
    for (String user : people) {
      InviteLink link = InviteLink.parse(links.get(user).getAsString());
      assertEquals(3, link.query().split("&peerID=").length - 1, link.query());
      WsClient c = link.connect(stack.port(), origin);
      JsonObject welcome = c.next("welcome");
      assertEquals(3, welcome.getAsJsonArray("peers").size());
      for (WsClient earlier : clients.values()) {
        assertEquals(user, earlier.next("peer-joined").get("peerID").getAsString());
      }
      clients.put(user, c);
    }
    for (String from : people) {
      for (String to : people) {
        if (!from.equals(to)) {
          clients.get(from).send("{\"type\":\"offer\",\"sdp\":\"v=0 " + from + "\",\"to\":\"" + to + "\"}");
          JsonObject offer = clients.get(to).next("offer");
          assertEquals(from, offer.get("from").getAsString());
          assertEquals("v=0 " + from, offer.get("sdp").getAsString());
        }
      }
    }
    InviteLink ann = InviteLink.parse(links.get("ann4").getAsString());
    WsClient fifth = WsClient.connectWithToken(stack.port(), ann.query() + "&peerID=eve4", ann.token(), origin);
    assertEquals("call-full", fifth.next("error").get("code").getAsString());
    assertEquals(4003, fifth.closeCode());
    clients.get("bea4").send("{\"type\":\"bye\"}");
    for (String user : java.util.List.of("ann4", "cid4", "dot4")) {
      JsonObject left = clients.get(user).next("peer-left");
      assertEquals("bea4", left.get("peerID").getAsString());
      assertEquals("hangup", left.get("reason").getAsString());
    }
    clients.get("cid4").send("{\"type\":\"answer\",\"sdp\":\"v=0\",\"to\":\"dot4\"}");
    assertEquals("cid4", clients.get("dot4").next("answer").get("from").getAsString(), "the three others go on");
    for (WsClient c : clients.values()) {
      assertTrue(c.frames.stream().noneMatch(f -> f.contains("\"error\"")), "no member saw an error: " + c.frames);
    }
  }
}
