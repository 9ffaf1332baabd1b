package dev.videocall.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.videocall.contract.Envelope;
import dev.videocall.contract.Envelope.Event;
import dev.videocall.contract.invite.InviteTokens;
import dev.videocall.contract.invite.SigningKeys;
import dev.videocall.testkit.WsClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Links of calls of three and four at the gateway's door: one {@code peerID} per other member, the
 * token checked for exactly those people, forwarded to the core as one field; a fifth person, a name
 * not on the call or a name twice refused before any envelope exists. Two-person links of the first
 * code, in the seed's {@code ?userID=&peerID=&token=} form, still open.
 */
class GroupLinkDoorTest {
  static final String KEYS = "k1:" + Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());
  /** Minted by the two-person code (main at 36aae21) for alice → bob in SESSION0123456789ab, valid until 2100. */
  static final String FIRST_CODE_ALICE = "v1.k1.SESSION0123456789ab.4102444800.fu2Hg1dMO974OK32LHPlWhqErq0_3TfRD0gdDzEeFT0";

  final InviteTokens tokens = new InviteTokens(SigningKeys.parse(KEYS));
  final String session = tokens.newSessionId();
  final String carol = tokens.mint(session, "carol", List.of("alice", "bob"), Instant.now().plusSeconds(600));
  final List<Envelope> received = new CopyOnWriteArrayList<>();
  Gateway gateway;
  String origin;

  @BeforeEach
  void start() throws Exception {
    gateway = new Gateway(GatewayConfig.fromEnv(Map.of("PORT", "0", "GATEWAY_ID", "gw-group", "INVITE_SIGNING_KEYS", KEYS)), received::add, Map.of());
    gateway.start();
    origin = "http://localhost:" + gateway.port();
  }

  @AfterEach
  void stop() {
    gateway.shutdown();
  }

  Envelope openOf(String userId) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < deadline) {
      for (Envelope e : received) {
        if (e.event() == Event.OPEN && userId.equals(e.userId())) {
          return e;
        }
      }
      Thread.sleep(5);
    }
    throw new AssertionError("no open of " + userId + " within 5 s: " + received);
  }

  private long opens() {
    return received.stream().filter(e -> e.event() == Event.OPEN).count();
  }

  @Test
  void aLinkOfThreeJoinsWithItsPeersInOneField() throws Exception {
    WsClient c = WsClient.connectWithToken(gateway.port(), "userID=carol&peerID=alice&peerID=bob", carol, origin);
    assertEquals("videocall.v1", c.subprotocol());
    Envelope open = openOf("carol");
    assertEquals("alice,bob", open.peerId());
    assertEquals(List.of("alice", "bob"), open.peerIds());
    WsClient.connect(gateway.port(), "userID=carol&peerID=bob&peerID=alice&token=" + URLEncoder.encode(carol, StandardCharsets.UTF_8), origin);
    // The handshake's answer can reach the client before the server's onOpen has forwarded the open.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (opens() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertEquals(2, opens(), "the older query form, peers in any order");
  }

  @Test
  void aTwoPersonLinkOfTheFirstCodeOpensInTheSeedsForm() throws Exception {
    WsClient.connect(gateway.port(), "userID=alice&peerID=bob&token=" + FIRST_CODE_ALICE, origin);
    Envelope open = openOf("alice");
    assertEquals("bob", open.peerId(), "a two-person envelope is as it always was");
    assertEquals(FIRST_CODE_ALICE, open.token());
  }

  @Test
  void wrongPeopleAreRefusedAtTheDoorWithTheirCodes() throws Exception {
    String five = tokens.mint(session, "carol", List.of("alice", "bob", "dave", "erin"), Instant.now().plusSeconds(600));
    Map<String, List<Object>> cases = Map.of(
        "userID=carol&peerID=alice", List.of(4001, "invalid-token", carol), // someone left out
        "userID=carol&peerID=alice&peerID=bob&peerID=dave", List.of(4001, "invalid-token", carol), // a name not on the call
        "userID=dave&peerID=alice&peerID=bob", List.of(4001, "invalid-token", carol), // carol's link opened as dave
        "userID=carol&peerID=alice&peerID=bob&peerID=dave&peerID=erin", List.of(4003, "call-full", five), // a fifth person
        "userID=carol&peerID=alice&peerID=alice", List.of(4000, "invalid-link", carol), // a name twice
        "userID=carol&peerID=alice,bob", List.of(4000, "invalid-link", carol)); // two names in one
    for (var c : cases.entrySet()) {
      WsClient client = WsClient.connectWithToken(gateway.port(), c.getKey(), (String) c.getValue().get(2), origin);
      var error = client.next("error");
      assertEquals(c.getValue().get(0), client.closeCode(), c.getKey());
      assertEquals(c.getValue().get(1), error.get("code").getAsString(), c.getKey());
    }
    assertTrue(received.isEmpty(), "nothing forwarded: " + received);
  }
}
