package dev.videocall.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.videocall.contract.ConnectionRef;
import dev.videocall.contract.Delivery;
import dev.videocall.contract.Envelope;
import dev.videocall.contract.Envelope.Event;
import dev.videocall.testkit.WsClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The gateway alone, with a recording ingress, over real WebSockets. */
class GatewayTest {
  final List<Envelope> received = new CopyOnWriteArrayList<>();
  volatile boolean failIngress;
  Gateway gateway;
  String origin;

  Gateway start(Map<String, String> overrides) throws Exception {
    Map<String, String> env = new HashMap<>(Map.of("PORT", "0", "GATEWAY_ID", "gw-test"));
    env.putAll(overrides);
    gateway = new Gateway(GatewayConfig.fromEnv(env), e -> {
      if (failIngress && e.event() == Event.FRAME) {
        throw new IllegalStateException("ingress down");
      }
      received.add(e);
    }, Map.of());
    gateway.start();
    origin = "http://localhost:" + gateway.port();
    return gateway;
  }

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.shutdown();
    }
  }

  WsClient connect(String query) throws Exception {
    return WsClient.connect(gateway.port(), query, origin);
  }

  List<Envelope> of(String connectionId) {
    return received.stream().filter(e -> e.connectionId().equals(connectionId)).toList();
  }

  String connectionIdOf(String userId) throws Exception {
    await(() -> received.stream().anyMatch(e -> userId.equals(e.userId())), "open of " + userId);
    return received.stream().filter(e -> userId.equals(e.userId())).findFirst().orElseThrow().connectionId();
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

  @Test
  void forwardsOpenFramesAndCloseInOrderWithTheQueryAsReceived() throws Exception {
    start(Map.of());
    WsClient c = connect("userID=Alice&peerID=bob&token=t%2B1");
    String id = connectionIdOf("Alice");
    for (int i = 0; i < 50; i++) {
      c.send("{\"n\":" + i + "}");
    }
    c.ws.sendClose(1000, "done").join();
    await(() -> of(id).size() == 52, "52 envelopes");
    List<Envelope> events = of(id);
    assertEquals(Event.OPEN, events.get(0).event());
    assertEquals("t+1", events.get(0).token());
    assertEquals("bob", events.get(0).peerId());
    assertEquals("gw-test", events.get(0).gatewayId());
    for (int i = 0; i < 50; i++) {
      assertEquals(i + 1, events.get(i + 1).seq());
      assertEquals("{\"n\":" + i + "}", events.get(i + 1).frames().get(0), "frames unchanged and in order");
    }
    assertEquals(Event.CLOSE, events.get(51).event());
    assertEquals(1000, events.get(51).closeCode());
  }

  @Test
  void connectionIdsAreUnique() throws Exception {
    start(Map.of());
    connect("userID=a");
    connect("userID=b");
    assertNotEquals(connectionIdOf("a"), connectionIdOf("b"));
    assertTrue(connectionIdOf("a").length() >= 16);
  }

  @Test
  void deliversToTheRightConnectionOnceAndClosesWhenAsked() throws Exception {
    start(Map.of());
    WsClient a = connect("userID=a");
    WsClient b = connect("userID=b");
    String idA = connectionIdOf("a");
    String idB = connectionIdOf("b");
    ConnectionRef toB = new ConnectionRef("gw-test", idB);
    Delivery first = Delivery.frame(toB, "{\"type\":\"offer\",\"n\":1}", idA, 3, 0);
    gateway.deliver(List.of(first));
    gateway.deliver(List.of(first)); // a redelivered copy
    gateway.deliver(List.of(Delivery.frame(toB, "{\"type\":\"offer\",\"n\":0}", idA, 2, 0))); // older than what was delivered
    gateway.deliver(List.of(Delivery.frame(toB, "{\"type\":\"offer\",\"n\":2}", idA, 3, 1)));
    gateway.deliver(List.of(Delivery.frame(new ConnectionRef("gw-test", "nobody"), "{}", idA, 9, 0))); // ignored
    assertEquals(1, b.next().get("n").getAsInt());
    assertEquals(2, b.next().get("n").getAsInt());
    assertNull(b.frames.poll(200, TimeUnit.MILLISECONDS), "no duplicate and nothing older");
    assertNull(a.frames.poll(50, TimeUnit.MILLISECONDS), "a heard nothing");
    gateway.deliver(List.of(Delivery.close(toB, "{\"type\":\"error\",\"code\":\"replaced\"}", 4004, "replaced", idA, 4, 0)));
    assertEquals("replaced", b.next().get("code").getAsString());
    assertEquals(4004, b.closeCode());
  }

  @Test
  void anOversizedFrameClosesWith1009AndTheNeighbourGoesOn() throws Exception {
    start(Map.of());
    WsClient big = connect("userID=big");
    WsClient other = connect("userID=other");
    String otherId = connectionIdOf("other");
    String bigId = connectionIdOf("big");
    big.sendOversized("x".repeat(64 * 1024 + 1));
    assertEquals(1009, big.closeCode());
    assertTrue(of(bigId).stream().noneMatch(e -> e.event() == Event.FRAME), "the big frame was not forwarded");
    other.send("{\"still\":true}");
    await(() -> of(otherId).stream().anyMatch(e -> e.event() == Event.FRAME), "neighbour's frame");
  }

  @Test
  void aFrameOfExactly64KiBIsForwarded() throws Exception {
    start(Map.of());
    WsClient c = connect("userID=edge");
    String id = connectionIdOf("edge");
    c.send("y".repeat(64 * 1024));
    await(() -> of(id).stream().anyMatch(e -> e.event() == Event.FRAME), "the 64 KiB frame");
  }

  @Test
  void binaryFramesAreRefusedWith1003() throws Exception {
    start(Map.of());
    WsClient c = connect("userID=bin");
    c.ws.sendBinary(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}), true);
    assertEquals(1003, c.closeCode());
  }

  @Test
  void originsOutsideTheAllowlistGet403AndNothingIsForwarded() throws Exception {
    start(Map.of("ALLOWED_ORIGINS", "https://friend.example"));
    assertEquals(403, handshakeStatus("https://evil.example"));
    assertEquals(403, handshakeStatus("http://localhost:1")); // same host, other port
    assertEquals(403, handshakeStatus(null)); // no Origin: not a browser on our page
    assertTrue(received.isEmpty(), "refused upgrades never reach ingress");
    WsClient.connect(gateway.port(), "userID=friend", "https://friend.example");
    connectionIdOf("friend");
  }

  @Test
  void missingOriginCanBeAllowedForTools() throws Exception {
    start(Map.of("ALLOW_MISSING_ORIGIN", "true"));
    WsClient.connect(gateway.port(), "userID=tool", null);
    connectionIdOf("tool");
  }

  @Test
  void aFloodIsThrottledThenClosedWith4008WhileTheNeighbourIsUnaffected() throws Exception {
    start(Map.of("FRAME_RATE_PER_SECOND", "5", "FRAME_BURST", "10", "MAX_DROPPED_FRAMES", "20"));
    WsClient flood = connect("userID=flood");
    WsClient calm = connect("userID=calm");
    String floodId = connectionIdOf("flood");
    String calmId = connectionIdOf("calm");
    for (int i = 0; i < 100; i++) {
      flood.ws.sendText("{\"i\":" + i + "}", true);
    }
    assertEquals("rate-limited", flood.next("error").get("code").getAsString());
    assertEquals(4008, flood.closeCode());
    long forwarded = of(floodId).stream().filter(e -> e.event() == Event.FRAME).count();
    assertTrue(forwarded >= 10 && forwarded < 20, "only about the burst got through: " + forwarded);
    calm.send("{\"hello\":1}");
    await(() -> of(calmId).stream().anyMatch(e -> e.event() == Event.FRAME), "neighbour's frame");
  }

  @Test
  void theInstanceConnectionCapAnswers503() throws Exception {
    start(Map.of("MAX_CONNECTIONS", "2"));
    connect("userID=a");
    connect("userID=b");
    assertEquals(503, handshakeStatus(origin));
  }

  @Test
  void tooManyNewConnectionsFromOneAddressAnswer429() throws Exception {
    start(Map.of("MAX_NEW_CONNECTIONS_PER_ADDRESS_PER_MINUTE", "3"));
    for (int i = 0; i < 3; i++) {
      connect("userID=u" + i);
    }
    assertEquals(429, handshakeStatus(origin));
  }

  @Test
  void anIngressFailureClosesOnlyThatConnectionWith1011() throws Exception {
    start(Map.of());
    WsClient a = connect("userID=a");
    connectionIdOf("a");
    failIngress = true;
    a.send("{}");
    assertEquals(1011, a.closeCode());
    failIngress = false;
    WsClient b = connect("userID=b");
    String idB = connectionIdOf("b");
    b.send("{}");
    await(() -> of(idB).stream().anyMatch(e -> e.event() == Event.FRAME), "b's frame");
  }

  @Test
  void shutdownClosesEveryoneWith1012Quickly() throws Exception {
    start(Map.of());
    WsClient a = connect("userID=a");
    WsClient b = connect("userID=b");
    connectionIdOf("b");
    long started = System.nanoTime();
    gateway.shutdown();
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    assertEquals(1012, a.closeCode());
    assertEquals(1012, b.closeCode());
    assertTrue(tookMillis < 5000, "shutdown took " + tookMillis + " ms");
    await(() -> received.stream().filter(e -> e.event() == Event.CLOSE).count() == 2, "both closes forwarded");
  }

  @Test
  void withSigningKeysBadLinksAreRefusedAtTheDoorAndNothingIsForwarded() throws Exception {
    String keys = "k1:" + java.util.Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());
    start(Map.of("INVITE_SIGNING_KEYS", keys));
    var tokens = new dev.videocall.contract.invite.InviteTokens(dev.videocall.contract.invite.SigningKeys.parse(keys));
    String session = tokens.newSessionId();
    java.time.Instant later = java.time.Instant.now().plusSeconds(600);
    String good = tokens.mint(session, "alice", "bob", later);
    String expired = tokens.mint(session, "alice", "bob", java.time.Instant.now().minusSeconds(1));
    String forged = good.substring(0, good.length() - 2) + (good.endsWith("AA") ? "BB" : "AA");
    Map<String, Integer> refusals = new java.util.LinkedHashMap<>();
    refusals.put("userID=alice&peerID=bob&token=" + forged, 4001);
    refusals.put("userID=mallory&peerID=bob&token=" + good, 4001);
    refusals.put("userID=alice&peerID=bob&token=" + expired, 4002);
    refusals.put("userID=alice&peerID=bob", 4000);
    refusals.put("userID=alice&peerID=alice&token=" + good, 4000);
    for (var r : refusals.entrySet()) {
      WsClient c = connect(r.getKey());
      var error = c.next("error");
      assertEquals(r.getValue(), c.closeCode(), r.getKey());
      assertTrue(error.get("message").getAsString().length() > 5);
    }
    assertTrue(received.isEmpty(), "no refused link produced an envelope (so no publish, no presence write): " + received);
    WsClient ok = connect("userID=Alice&peerID=bob&token=" + good);
    await(() -> received.size() == 1, "the genuine link's open");
    assertEquals(Event.OPEN, received.get(0).event());
    ok.send("{}");
    await(() -> received.size() == 2, "its frame");
  }

  @Test
  void servesHealthAndThePageWithSecurityHeaders() throws Exception {
    start(Map.of());
    HttpClient http = HttpClient.newHttpClient();
    assertEquals("ok", http.send(HttpRequest.newBuilder(URI.create(origin + "/healthz")).build(), HttpResponse.BodyHandlers.ofString()).body());
    for (String path : List.of("/", "/video")) {
      HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(origin + path)).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, page.statusCode(), path);
      assertTrue(page.body().contains("<html"), path);
      assertEquals("no-referrer", page.headers().firstValue("referrer-policy").orElseThrow());
      assertTrue(page.headers().firstValue("content-security-policy").orElseThrow().contains("script-src 'self'"));
      assertEquals("nosniff", page.headers().firstValue("x-content-type-options").orElseThrow());
    }
    assertEquals(404, http.send(HttpRequest.newBuilder(URI.create(origin + "/nope.html")).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
  }

  private int handshakeStatus(String withOrigin) throws Exception {
    ExecutionException e = assertThrows(ExecutionException.class, () -> WsClient.connect(gateway.port(), "userID=x", withOrigin));
    return assertInstanceOf(WebSocketHandshakeException.class, e.getCause()).getResponse().statusCode();
  }
}
