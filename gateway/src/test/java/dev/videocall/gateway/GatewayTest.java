package dev.videocall.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.videocall.contract.ConnectionRef;
import dev.videocall.contract.Delivery;
import dev.videocall.contract.Envelope;
import dev.videocall.contract.Envelope.Event;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.videocall.testkit.LogCapture;
import dev.videocall.testkit.RawHttp;
import dev.videocall.testkit.RawWebSocket;
import dev.videocall.testkit.WsClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
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
  void permessageDeflateIsOfferedAsBrowsersDoAndNotAgreed() throws Exception {
    start(Map.of());
    try (java.net.Socket socket = new java.net.Socket("localhost", gateway.port())) {
      socket.setSoTimeout(10_000);
      String request = "GET /video/connections?userID=alice HTTP/1.1\r\nHost: localhost:" + gateway.port() + "\r\n"
          + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
          + "Sec-WebSocket-Version: 13\r\nOrigin: " + origin + "\r\n"
          + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n";
      socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      java.io.InputStream in = new java.io.BufferedInputStream(socket.getInputStream());
      RawHttp.Answer answer = RawHttp.readAnswer(in);
      assertEquals(101, answer.status());
      assertEquals(null, answer.header("Sec-WebSocket-Extensions"), "no extension agreed");
      // The browser then sends plain frames; a compressed one (RSV1 set) would break the protocol.
      RawWebSocket ws = RawWebSocket.over(socket, in);
      ws.sendText("{\"plain\":1}");
      await(() -> received.stream().anyMatch(e -> e.event() == Event.FRAME && e.frames().get(0).equals("{\"plain\":1}")), "the plain frame");
      ws.send(0x40 | RawWebSocket.TEXT, new byte[] {(byte) 0xaa, 0x56, 0x02, 0x00}, true);
      assertEquals(1002, ws.readUntil(RawWebSocket.CLOSE, Duration.ofSeconds(5)).closeCode());
    }
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
  void oneFrameOverTheLimitIsRefusedWith1009BeforeItIsRead() throws Exception {
    start(Map.of());
    try (RawWebSocket big = RawWebSocket.open(gateway.port(), "userID=onebig", origin)) {
      String id = connectionIdOf("onebig");
      big.send(RawWebSocket.TEXT, new byte[64 * 1024 + 1]);
      assertEquals(1009, big.readUntil(RawWebSocket.CLOSE, Duration.ofSeconds(5)).closeCode());
      assertTrue(of(id).stream().noneMatch(e -> e.event() == Event.FRAME), "nothing forwarded");
    }
  }

  @Test
  void aMessageSentInFragmentsIsForwardedWholeEvenWhenACharacterSpansTwo() throws Exception {
    start(Map.of());
    try (RawWebSocket c = RawWebSocket.open(gateway.port(), "userID=frag", origin)) {
      String id = connectionIdOf("frag");
      String text = "{\"chat\":\"gr\u00fc\u00df dich \u2603 \ud83d\ude00\"}";
      byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      int cut = text.indexOf('\u2603') + 3; // one byte into the snowman's three (ü and ß take two bytes each)
      c.send(RawWebSocket.TEXT, java.util.Arrays.copyOfRange(bytes, 0, cut), false);
      c.send(RawWebSocket.CONTINUATION, java.util.Arrays.copyOfRange(bytes, cut, cut + 1), false);
      c.send(RawWebSocket.CONTINUATION, java.util.Arrays.copyOfRange(bytes, cut + 1, bytes.length), true);
      c.sendText("{\"next\":1}");
      await(() -> of(id).stream().filter(e -> e.event() == Event.FRAME).count() == 2, "two messages");
      List<String> frames = of(id).stream().filter(e -> e.event() == Event.FRAME).map(e -> e.frames().get(0)).toList();
      assertEquals(List.of(text, "{\"next\":1}"), frames, "whole, decoded, in order");
    }
  }

  @Test
  void textThatIsNotUtf8IsRefusedWith1007AndTheNeighbourGoesOn() throws Exception {
    start(Map.of());
    WsClient other = connect("userID=other");
    String otherId = connectionIdOf("other");
    try (RawWebSocket bad = RawWebSocket.open(gateway.port(), "userID=bad", origin)) {
      String badId = connectionIdOf("bad");
      bad.sendText("{\"fine\":\"\ufffd is a character like any other\"}");
      await(() -> of(badId).stream().anyMatch(e -> e.event() == Event.FRAME), "a genuine U+FFFD passes");
      bad.send(RawWebSocket.TEXT, new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}'}); // a lead byte without its continuation
      assertEquals(1007, bad.readUntil(RawWebSocket.CLOSE, Duration.ofSeconds(5)).closeCode());
      assertEquals(1, of(badId).stream().filter(e -> e.event() == Event.FRAME).count(), "the bad text was not forwarded");
    }
    other.send("{\"still\":true}");
    await(() -> of(otherId).stream().anyMatch(e -> e.event() == Event.FRAME), "neighbour's frame");
  }

  @Test
  void relayedTextLeavesAsUtf8WhateverItsCharacters() throws Exception {
    start(Map.of());
    try (RawWebSocket c = RawWebSocket.open(gateway.port(), "userID=utf", origin)) {
      String id = connectionIdOf("utf");
      ConnectionRef to = new ConnectionRef("gw-test", id);
      String ascii = "{\"type\":\"candidate\"}";
      String wide = "{\"chat\":\"gr\u00fc\u00df dich \u2603 \ud83d\ude00 \u65e5\u672c\"}";
      String big = "{\"sdp\":\"" + "\u00e9".repeat(30_000) + "\"}"; // 60,000 bytes once encoded
      String loneSurrogate = "{\"bad\":\"\ud83d\"}";
      gateway.deliver(List.of(
          Delivery.frame(to, ascii, "x", 1, 0),
          Delivery.frame(to, wide, "x", 1, 1),
          Delivery.frame(to, big, "x", 1, 2),
          Delivery.frame(to, loneSurrogate, "x", 1, 3)));
      assertEquals(ascii, c.readUntil(RawWebSocket.TEXT, Duration.ofSeconds(5)).text());
      assertEquals(wide, c.readUntil(RawWebSocket.TEXT, Duration.ofSeconds(5)).text());
      assertEquals(big, c.readUntil(RawWebSocket.TEXT, Duration.ofSeconds(5)).text());
      // A String that is not valid UTF-16 cannot be sent as is; as the JDK does, the half becomes '?'.
      assertEquals("{\"bad\":\"?\"}", c.readUntil(RawWebSocket.TEXT, Duration.ofSeconds(5)).text());
    }
  }

  @Test
  void pingsAreAnsweredAndIdleSocketsArePinged() throws Exception {
    start(Map.of("PING_INTERVAL_SECONDS", "1"));
    try (RawWebSocket c = RawWebSocket.open(gateway.port(), "userID=pinger", origin)) {
      String id = connectionIdOf("pinger");
      c.send(RawWebSocket.PING, "are you there".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      assertEquals("are you there", c.readUntil(RawWebSocket.PONG, Duration.ofSeconds(5)).text(), "a pong carries the ping's payload");
      assertEquals(RawWebSocket.PING, c.readUntil(RawWebSocket.PING, Duration.ofSeconds(5)).opcode(), "the gateway's keep-alive");
      c.sendText("{\"after\":\"pings\"}");
      await(() -> of(id).stream().anyMatch(e -> e.event() == Event.FRAME), "a frame after the pings");
      assertEquals(1, of(id).stream().filter(e -> e.event() == Event.FRAME).count(), "pings and pongs are not forwarded");
    }
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

  /**
   * The attack run: a flooder that ignored its 4008 close frame kept the socket; its frames were
   * still relayed at about the refill rate and every one logged a warning.
   */
  @Test
  void aRateLimitCloseIsFinalForAClientThatIgnoresIt() throws Exception {
    start(Map.of("FRAME_RATE_PER_SECOND", "5", "FRAME_BURST", "10", "MAX_DROPPED_FRAMES", "20"));
    try (LogCapture logs = LogCapture.start(); RawWebSocket flood = RawWebSocket.open(gateway.port(), "userID=flood", origin)) {
      String id = connectionIdOf("flood");
      for (int i = 0; i < 40; i++) {
        flood.sendText("{\"i\":" + i + "}");
      }
      RawWebSocket.Frame close = flood.readUntil(RawWebSocket.CLOSE, Duration.ofSeconds(5));
      assertEquals(4008, close.closeCode());
      long closedAt = System.nanoTime();
      long forwardedAtClose = frames(id);
      assertIgnoredUntilDropped(flood, id, forwardedAtClose, closedAt);
      List<ILoggingEvent> decisions = logs.withKeyValue("connectionId", id).stream()
          .filter(e -> e.getLevel() == Level.WARN).toList();
      assertEquals(1, decisions.size(), "the decision is logged once: " + decisions);
      assertEquals(1, logs.withKeyValue("code", 4008).size());
    }
  }

  /** The same for a tab replaced by a newer one (4004, decided by the core and delivered as a close). */
  @Test
  void aReplacedConnectionIsNotHeardAfterItsClose() throws Exception {
    start(Map.of());
    try (RawWebSocket old = RawWebSocket.open(gateway.port(), "userID=tab", origin)) {
      String id = connectionIdOf("tab");
      gateway.deliver(List.of(Delivery.close(new ConnectionRef("gw-test", id), "{\"type\":\"error\",\"code\":\"replaced\"}",
          4004, "replaced", "newer", 1, 0)));
      assertEquals(4004, old.readUntil(RawWebSocket.CLOSE, Duration.ofSeconds(5)).closeCode());
      assertIgnoredUntilDropped(old, id, frames(id), System.nanoTime());
    }
  }

  /**
   * The client goes on sending without answering the close: nothing more is forwarded, and the
   * server drops the TCP connection within the close grace (plus scheduling slack).
   */
  private void assertIgnoredUntilDropped(RawWebSocket client, String id, long forwardedAtClose, long closedAt) throws Exception {
    long hungUp = client.millisUntilServerHangsUp(Duration.ofSeconds(6), Duration.ofMillis(20));
    long sinceClose = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closedAt);
    assertTrue(hungUp >= 0, "the server still read the client " + sinceClose + " ms after its close frame");
    assertTrue(sinceClose <= GatewayConfig.CLOSE_GRACE.toMillis() + 1000, "dropped " + sinceClose + " ms after the close frame");
    assertEquals(forwardedAtClose, frames(id), "frames forwarded after the close");
  }

  private long frames(String connectionId) {
    return of(connectionId).stream().filter(e -> e.event() == Event.FRAME).count();
  }

  /** The attack run: 1,000 frames relayed in 0.53 s over 10 reconnects, each with a fresh budget. */
  @Test
  void reconnectingDoesNotRefillTheFrameBudget() throws Exception {
    start(Map.of("FRAME_RATE_PER_SECOND", "5", "FRAME_BURST", "10", "MAX_DROPPED_FRAMES", "1000"));
    long started = System.nanoTime();
    for (int round = 0; round < 10; round++) {
      WsClient c = connect("userID=rita&peerID=sam&token=same-link");
      for (int i = 0; i < 20; i++) {
        c.ws.sendText("{\"round\":" + round + ",\"i\":" + i + "}", true).join();
      }
      c.ws.sendClose(1000, "again").join();
      c.closeCode();
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    await(() -> received.stream().filter(e -> e.event() == Event.CLOSE).count() == 10, "ten closes");
    long forwarded = received.stream().filter(e -> e.event() == Event.FRAME).count();
    long budget = 10 + Math.round(5 * seconds) + 1;
    assertTrue(forwarded <= budget, forwarded + " of 200 frames forwarded in " + seconds + " s; one person's budget allows " + budget);
    // Someone else (another link) still has a budget of their own.
    WsClient other = connect("userID=sam&peerID=rita&token=other-link");
    String otherId = connectionIdOf("sam");
    other.send("{}");
    await(() -> of(otherId).stream().anyMatch(e -> e.event() == Event.FRAME), "the other person's frame");
  }

  /** The attack run: a client that never reads held about 30 MB (1,024 queued frames) before its 1013. */
  @Test
  void aClientThatNeverReadsHoldsNoMoreThanTheByteCap() throws Exception {
    start(Map.of());
    try (LogCapture logs = LogCapture.start();
        RawWebSocket sleeper = RawWebSocket.open(gateway.port(), "userID=sleeper", origin, 4096)) {
      String id = connectionIdOf("sleeper");
      ConnectionRef to = new ConnectionRef("gw-test", id);
      String offer = "{\"type\":\"offer\",\"sdp\":\"" + "x".repeat(30_000) + "\"}";
      long peak = 0;
      int delivered = 0;
      while (logs.withKeyValue("code", 1013).isEmpty() && delivered < 5_000) {
        gateway.deliver(List.of(Delivery.frame(to, offer, "peer", delivered++, 0)));
        peak = Math.max(peak, gateway.queuedBytes(id));
      }
      System.out.printf("non-reader: closed with 1013 after %d frames of %d chars; the server held at most %d bytes%n",
          delivered, offer.length(), peak);
      assertEquals(1, logs.withKeyValue("code", 1013).size(), "closed with 1013, logged once, after " + delivered + " frames");
      assertTrue(peak <= GatewayConfig.DEFAULT_MAX_QUEUED_BYTES, "held " + peak + " bytes");
      assertTrue(sleeper.millisUntilServerHangsUp(Duration.ofSeconds(6), Duration.ofMillis(20)) >= 0, "dropped after the grace");
    }
  }

  @Test
  void theInstanceConnectionCapAnswers503() throws Exception {
    start(Map.of("MAX_CONNECTIONS", "2"));
    connect("userID=a");
    connect("userID=b");
    assertEquals(503, handshakeStatus(origin));
    assertHardened(upgradeRefusal(origin), 503, "upgrade at the connection cap");
  }

  @Test
  void tooManyNewConnectionsFromOneAddressAnswer429() throws Exception {
    start(Map.of("MAX_NEW_CONNECTIONS_PER_ADDRESS_PER_MINUTE", "3"));
    for (int i = 0; i < 3; i++) {
      connect("userID=u" + i);
    }
    assertEquals(429, handshakeStatus(origin));
    assertHardened(upgradeRefusal(origin), 429, "upgrade over the per-address rate");
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
    // Both opens seen: a socket whose open has not run yet is not in the registry, and the server's stop closes it with 1001.
    connectionIdOf("a");
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

  @Test
  void healthSaysStartingUntilTheHostIsReadyAndCallPageLoadsAreTold() throws Exception {
    java.util.concurrent.atomic.AtomicBoolean ready = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.atomic.AtomicInteger callPages = new java.util.concurrent.atomic.AtomicInteger();
    gateway = new Gateway(GatewayConfig.fromEnv(Map.of("PORT", "0", "GATEWAY_ID", "gw-test")), received::add, Map.of(),
        new HostSignals(ready::get, callPages::incrementAndGet));
    gateway.start();
    origin = "http://localhost:" + gateway.port();
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> starting = http.send(HttpRequest.newBuilder(URI.create(origin + "/healthz")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, starting.statusCode(), "started: Cloud Run's startup probe passes while the clouds start");
    assertEquals("starting", starting.body());
    for (String path : List.of("/", "/video", "/js/wire.js", "/config.json")) {
      assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(origin + path)).build(), HttpResponse.BodyHandlers.ofString()).statusCode(),
          path + " is served before the host is ready");
    }
    http.send(HttpRequest.newBuilder(URI.create(origin + "/video")).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.discarding());
    assertEquals(1, callPages.get(), "one GET of the call page was told; the form, the scripts, a HEAD were not");
    ready.set(true);
    assertEquals("ok", http.send(HttpRequest.newBuilder(URI.create(origin + "/healthz")).build(), HttpResponse.BodyHandlers.ofString()).body());
  }

  /** The attack run: no security headers on /healthz, on Jetty's own 4xx or on the refused upgrade; every answer named Jetty's version. */
  @Test
  void everyAnswerCarriesTheSecurityHeadersAndNamesNoServer() throws Exception {
    start(Map.of());
    int port = gateway.port();
    assertHardened(RawHttp.get(port, "/healthz"), 200, "health");
    assertHardened(RawHttp.get(port, "/"), 200, "page");
    assertHardened(RawHttp.get(port, "/js/wire.js"), 200, "module");
    assertHardened(RawHttp.get(port, "/nope.html"), 404, "missing file");
    assertHardened(RawHttp.exchange(port, "GET /%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), 400, "bad URI encoding");
    assertHardened(RawHttp.exchange(port, "GET /a/../../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), 400, "traversal");
    assertHardened(RawHttp.exchange(port, "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(16 * 1024) + "\r\nConnection: close\r\n\r\n"),
        431, "oversized header");
    assertHardened(upgradeRefusal("https://evil.example"), 403, "upgrade from a foreign origin");
  }

  private int handshakeStatus(String withOrigin) throws Exception {
    ExecutionException e = assertThrows(ExecutionException.class, () -> WsClient.connect(gateway.port(), "userID=x", withOrigin));
    return assertInstanceOf(WebSocketHandshakeException.class, e.getCause()).getResponse().statusCode();
  }

  private RawHttp.Answer upgradeRefusal(String withOrigin) throws Exception {
    RawWebSocket.Refused refused = assertThrows(RawWebSocket.Refused.class, () -> RawWebSocket.open(gateway.port(), "userID=x", withOrigin));
    return refused.answer;
  }

  /** The status, the security headers, no server name or version, and a short body that names nothing. */
  static void assertHardened(RawHttp.Answer a, int status, String what) {
    assertEquals(status, a.status(), what + ": " + a.body());
    assertNull(a.header("server"), what + " names the server: " + a.header("server"));
    assertNull(a.header("x-powered-by"), what);
    assertTrue(String.valueOf(a.header("content-security-policy")).contains("frame-ancestors 'none'"), what + " lacks the CSP");
    assertEquals("nosniff", a.header("x-content-type-options"), what);
    assertEquals("no-referrer", a.header("referrer-policy"), what);
    assertFalse(a.body().toLowerCase(java.util.Locale.ROOT).contains("jetty"), what + " body names Jetty: " + a.body());
    if (status >= 400) {
      assertTrue(a.body().length() < 100, what + " body: " + a.body());
    }
  }
}
