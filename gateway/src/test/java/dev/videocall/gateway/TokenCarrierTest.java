package dev.videocall.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.videocall.contract.Envelope;
import dev.videocall.contract.Envelope.Event;
import dev.videocall.contract.invite.InviteTokens;
import dev.videocall.contract.invite.SigningKeys;
import dev.videocall.testkit.LogCapture;
import dev.videocall.testkit.WsClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The invite token over real WebSockets: in {@code Sec-WebSocket-Protocol} as the page sends it
 * (videocall.v1 selected), in the query as older clients send it, both agreeing, both disagreeing
 * (4000), and never in the gateway's logs.
 */
class TokenCarrierTest {
  static final String KEYS = "k1:" + Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());
  final InviteTokens tokens = new InviteTokens(SigningKeys.parse(KEYS));
  final String session = tokens.newSessionId();
  final String alice = tokens.mint(session, "alice", "bob", Instant.now().plusSeconds(600));
  final String bob = tokens.mint(session, "bob", "alice", Instant.now().plusSeconds(600));
  final List<Envelope> received = new CopyOnWriteArrayList<>();
  Gateway gateway;
  String origin;

  void start(boolean withKeys) throws Exception {
    Map<String, String> env = new HashMap<>(Map.of("PORT", "0", "GATEWAY_ID", "gw-tokens"));
    if (withKeys) {
      env.put("INVITE_SIGNING_KEYS", KEYS);
    }
    gateway = new Gateway(GatewayConfig.fromEnv(env), received::add, Map.of());
    gateway.start();
    origin = "http://localhost:" + gateway.port();
  }

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.shutdown();
    }
  }

  static String q(String token) {
    return URLEncoder.encode(token, StandardCharsets.UTF_8);
  }

  static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(5);
    }
  }

  Envelope openOf(String userId) throws InterruptedException {
    await(() -> received.stream().anyMatch(e -> e.event() == Event.OPEN && userId.equals(e.userId())), "open of " + userId);
    return received.stream().filter(e -> e.event() == Event.OPEN && userId.equals(e.userId())).findFirst().orElseThrow();
  }

  void assertRefused(WsClient c, int closeCode, String what) throws Exception {
    var error = c.next("error");
    assertEquals(closeCode, c.closeCode(), what);
    assertEquals(closeCode == 4000 ? "invalid-link" : "invalid-token", error.get("code").getAsString(), what);
  }

  @Test
  void theTokenInTheSubprotocolJoinsAndVideocallV1IsSelected() throws Exception {
    start(true);
    WsClient c = WsClient.connectWithToken(gateway.port(), "userID=alice&peerID=bob", alice, origin);
    assertEquals("videocall.v1", c.subprotocol(), "the protocol is selected, never the token entry");
    Envelope open = openOf("alice");
    assertEquals(alice, open.token(), "the token reaches the core in the envelope, as before");
    c.send("{}");
    await(() -> received.size() == 2, "its frame");
  }

  @Test
  void theQueryFormStillWorksForOlderClients() throws Exception {
    start(true);
    WsClient old = WsClient.connect(gateway.port(), "userID=alice&peerID=bob&token=" + q(alice), origin);
    assertEquals("", old.subprotocol(), "nothing offered, nothing selected");
    assertEquals(alice, openOf("alice").token());
    WsClient halfway = WsClient.connect(gateway.port(), "userID=bob&peerID=alice&token=" + q(bob), origin, List.of("videocall.v1"));
    assertEquals("videocall.v1", halfway.subprotocol());
    assertEquals(bob, openOf("bob").token());
  }

  @Test
  void theSameTokenInBothPlacesJoins() throws Exception {
    start(true);
    WsClient c = WsClient.connect(gateway.port(), "userID=alice&peerID=bob&token=" + q(alice), origin, List.of("videocall.v1", "token." + alice));
    assertEquals("videocall.v1", c.subprotocol());
    assertEquals(alice, openOf("alice").token());
  }

  @Test
  void tokensThatDisagreeAreRefusedWith4000AndNothingIsForwarded() throws Exception {
    for (boolean withKeys : new boolean[] {true, false}) {
      start(withKeys);
      WsClient mismatch = WsClient.connect(gateway.port(), "userID=alice&peerID=bob&token=" + q(bob), origin, List.of("videocall.v1", "token." + alice));
      assertEquals("videocall.v1", mismatch.subprotocol(), "selected, so a browser sees the error frame and the close code");
      assertRefused(mismatch, 4000, "query and subprotocol differ, keys " + withKeys);
      WsClient twoTokens = WsClient.connect(gateway.port(), "userID=alice&peerID=bob", origin, List.of("videocall.v1", "token." + alice, "token." + bob));
      assertRefused(twoTokens, 4000, "two token subprotocols, keys " + withKeys);
      WsClient noProtocol = WsClient.connect(gateway.port(), "userID=alice&peerID=bob", origin, List.of("token." + alice));
      assertEquals("", noProtocol.subprotocol());
      assertRefused(noProtocol, 4000, "a token subprotocol without videocall.v1, keys " + withKeys);
      assertTrue(received.isEmpty(), "refused before any envelope: " + received);
      gateway.shutdown();
    }
  }

  @Test
  void aBadTokenInTheSubprotocolIsCheckedAtTheDoorLikeOneInTheQuery() throws Exception {
    start(true);
    // The signature's first character changed (it was the same one in 1 of 64 tokens before, when
    // this looked at the token's last character instead).
    int mac = alice.lastIndexOf('.') + 1;
    String forged = alice.substring(0, mac) + (alice.charAt(mac) == 'A' ? 'B' : 'A') + alice.substring(mac + 1);
    assertRefused(WsClient.connectWithToken(gateway.port(), "userID=alice&peerID=bob", forged, origin), 4001, "forged");
    assertRefused(WsClient.connectWithToken(gateway.port(), "userID=mallory&peerID=bob", alice, origin), 4001, "another person");
    assertRefused(WsClient.connect(gateway.port(), "userID=alice&peerID=bob", origin, List.of("videocall.v1")), 4000, "no token");
    assertTrue(received.isEmpty(), "nothing forwarded: " + received);
  }

  @Test
  void withoutKeysTheSubprotocolTokenIsForwardedForTheCoreToCheck() throws Exception {
    start(false);
    WsClient.connectWithToken(gateway.port(), "userID=alice&peerID=bob", "anything-the-core-will-judge", origin);
    assertEquals("anything-the-core-will-judge", openOf("alice").token());
  }

  @Test
  void theGatewaysLogsNeverContainAToken() throws Exception {
    start(true);
    String forged = alice.substring(0, alice.length() - 3) + "AAA";
    String expired = tokens.mint(session, "alice", "bob", Instant.now().minusSeconds(1));
    try (LogCapture logs = LogCapture.start()) {
      WsClient.connectWithToken(gateway.port(), "userID=alice&peerID=bob", alice, origin).ws.sendClose(1000, "").join();
      WsClient.connect(gateway.port(), "userID=bob&peerID=alice&token=" + q(bob), origin).ws.sendClose(1000, "").join();
      WsClient.connect(gateway.port(), "userID=alice&peerID=bob&token=" + q(bob), origin, List.of("videocall.v1", "token." + alice)).closeCode();
      WsClient.connectWithToken(gateway.port(), "userID=alice&peerID=bob", forged, origin).closeCode();
      WsClient.connect(gateway.port(), "userID=alice&peerID=bob&token=" + q(expired), origin).closeCode();
      await(() -> received.stream().filter(e -> e.event() == Event.CLOSE).count() == 2, "both genuine links closed");
      gateway.shutdown();
      List<String> lines = logs.lines();
      assertTrue(lines.stream().anyMatch(l -> l.contains("refused link at the gateway")), "the refusals are logged: " + lines);
      for (String token : List.of(alice, bob, forged, expired)) {
        String mac = token.substring(token.lastIndexOf('.') + 1);
        for (String line : lines) {
          assertFalse(line.contains(mac) || line.contains(token), "a token in the log: " + line);
        }
      }
    }
  }
}
