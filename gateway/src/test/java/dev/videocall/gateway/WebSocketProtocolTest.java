package dev.videocall.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.videocall.contract.Envelope;
import dev.videocall.contract.Envelope.Event;
import dev.videocall.testkit.RawHttp;
import dev.videocall.testkit.RawWebSocket;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway's WebSocket (Jetty's core WebSocket layer with GatewayConnection as the listener)
 * held to RFC 6455 and docs/protocol.md over real sockets: the handshake's refusals, frames that
 * break the protocol (1002, the connection then ends), the close handshake both ways, frames cut
 * across reads or sent with the upgrade, and the idle timeout. A neighbour's socket is checked to go
 * on each time.
 */
class WebSocketProtocolTest {
  static final Duration WAIT = Duration.ofSeconds(5);
  final List<Envelope> received = new CopyOnWriteArrayList<>();
  Gateway gateway;
  String origin;

  void start(Map<String, String> overrides) throws Exception {
    Map<String, String> env = new HashMap<>(Map.of("PORT", "0", "GATEWAY_ID", "gw-ws"));
    env.putAll(overrides);
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

  RawWebSocket open(String user) throws Exception {
    return RawWebSocket.open(gateway.port(), "userID=" + user + "&peerID=someone", origin);
  }

  List<Envelope> of(String user) {
    return received.stream().filter(e -> user.equals(e.userId())).toList();
  }

  List<String> framesOf(String user) {
    return of(user).stream().filter(e -> e.event() == Event.FRAME).map(e -> e.frames().get(0)).toList();
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** The server ends the TCP connection: the stream ends (after any frames still on their way). */
  static void assertHungUp(RawWebSocket c) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        c.read(Duration.ofMillis(200));
      } catch (EOFException | java.net.SocketException ended) {
        return;
      }
    }
    throw new AssertionError("the server kept the connection open");
  }

  void assertNeighbourGoesOn(RawWebSocket neighbour, String user, String text) throws Exception {
    neighbour.sendText(text);
    GatewayTest.await(() -> framesOf(user).contains(text), "the neighbour's frame");
  }

  @Test
  void framesThatBreakTheProtocolAreRefusedWith1002ThenTheConnectionEndsAndTheNeighbourGoesOn() throws Exception {
    start(Map.of());
    RawWebSocket neighbour = open("neighbour");
    Map<String, byte[]> broken = new java.util.LinkedHashMap<>();
    broken.put("unmasked", new byte[] {(byte) 0x81, 2, '{', '}'});
    broken.put("reserved bit", RawWebSocket.maskedFrame(0x40 | RawWebSocket.TEXT, utf8("{}"), true));
    broken.put("reserved opcode", RawWebSocket.maskedFrame(0x3, utf8("{}"), true));
    broken.put("fragmented ping", RawWebSocket.maskedFrame(RawWebSocket.PING, utf8("p"), false));
    broken.put("continuation first", RawWebSocket.maskedFrame(RawWebSocket.CONTINUATION, utf8("{}"), true));
    broken.put("close of one byte", RawWebSocket.maskedFrame(RawWebSocket.CLOSE, new byte[] {3}, true));
    broken.put("close code 1006", RawWebSocket.maskedFrame(RawWebSocket.CLOSE, new byte[] {0x03, (byte) 0xEE}, true));
    byte[] interleaved = new ByteArrayOutputStream() {{
      writeBytes(RawWebSocket.maskedFrame(RawWebSocket.TEXT, utf8("{\"a\":"), false));
      writeBytes(RawWebSocket.maskedFrame(RawWebSocket.TEXT, utf8("{}"), true));
    }}.toByteArray();
    broken.put("a message inside another", interleaved);
    int n = 0;
    for (var e : broken.entrySet()) {
      String user = "breaker" + n++;
      try (RawWebSocket c = open(user)) {
        c.sendText("{\"before\":1}");
        GatewayTest.await(() -> framesOf(user).size() == 1, "the frame before, " + e.getKey());
        c.sendRaw(e.getValue());
        RawWebSocket.Frame close = c.readUntil(RawWebSocket.CLOSE, WAIT);
        assertNotNull(close, e.getKey());
        assertEquals(1002, close.closeCode(), e.getKey());
        assertHungUp(c);
        c.close(); // as a browser does once the server has hung up
        GatewayTest.await(() -> of(user).stream().anyMatch(x -> x.event() == Event.CLOSE), "the close envelope, " + e.getKey());
        assertEquals(List.of("{\"before\":1}"), framesOf(user), "nothing after the breach is forwarded, " + e.getKey());
      }
      assertNeighbourGoesOn(neighbour, "neighbour", "{\"after\":\"" + e.getKey() + "\"}");
    }
    neighbour.close();
  }

  @Test
  void aClientsCloseIsAnsweredWithItsCodeTheServerHangsUpAndTheCodeIsForwarded() throws Exception {
    start(Map.of());
    try (RawWebSocket c = open("parker")) {
      GatewayTest.await(() -> of("parker").size() == 1, "the open");
      c.send(RawWebSocket.CLOSE, new byte[] {0x10, 0x04, 'p', 'a', 'r', 'k'}); // 4100 PARKED
      assertEquals(4100, c.readUntil(RawWebSocket.CLOSE, WAIT).closeCode(), "the close is echoed");
      assertHungUp(c);
    }
    GatewayTest.await(() -> of("parker").size() == 2, "the close envelope");
    assertEquals(Event.CLOSE, of("parker").get(1).event());
    assertEquals(4100, of("parker").get(1).closeCode());
  }

  @Test
  void aCloseWithoutACodeIsAnsweredWithoutOne() throws Exception {
    start(Map.of());
    try (RawWebSocket c = open("quiet")) {
      c.send(RawWebSocket.CLOSE, new byte[0]);
      RawWebSocket.Frame close = c.readUntil(RawWebSocket.CLOSE, WAIT);
      assertEquals(0, close.payload().length);
      assertHungUp(c);
    }
    GatewayTest.await(() -> of("quiet").size() == 2, "the close envelope");
    assertEquals(1005, of("quiet").get(1).closeCode(), "1005: no status received");
  }

  @Test
  void framesCutAcrossReadsAndFramesSentWithTheUpgradeArriveWholeAndInOrder() throws Exception {
    start(Map.of());
    // A 40 KB frame sent a few bytes at a time, then two small frames in one write.
    try (RawWebSocket c = open("trickle")) {
      String big = "{\"sdp\":\"" + "v=0 ".repeat(10_000) + "\"}";
      byte[] frame = RawWebSocket.maskedFrame(RawWebSocket.TEXT, utf8(big), true);
      for (int at = 0; at < frame.length; at += 7_000) {
        c.sendRaw(java.util.Arrays.copyOfRange(frame, at, Math.min(frame.length, at + 7_000)));
        Thread.sleep(5);
      }
      byte[] header = java.util.Arrays.copyOf(RawWebSocket.maskedFrame(RawWebSocket.TEXT, utf8("{\"n\":1}"), true), 1);
      byte[] rest = RawWebSocket.maskedFrame(RawWebSocket.TEXT, utf8("{\"n\":1}"), true);
      c.sendRaw(header); // one byte of a header alone
      Thread.sleep(50);
      c.sendRaw(java.util.Arrays.copyOfRange(rest, 1, rest.length));
      GatewayTest.await(() -> framesOf("trickle").size() == 2, "both frames");
      assertEquals(List.of(big, "{\"n\":1}"), framesOf("trickle"));
    }
    // Frames in the same write as the upgrade request: Jetty has read them with it.
    try (Socket socket = new Socket("localhost", gateway.port())) {
      socket.setSoTimeout(10_000);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.writeBytes(("GET /video/connections?userID=eager&peerID=someone HTTP/1.1\r\nHost: localhost:" + gateway.port() + "\r\n"
          + "Upgrade: WebSocket\r\nConnection: keep-alive, Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
          + "Sec-WebSocket-Version: 13\r\nOrigin: " + origin + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.writeBytes(RawWebSocket.maskedFrame(RawWebSocket.TEXT, utf8("{\"early\":1}"), true));
      out.writeBytes(RawWebSocket.maskedFrame(RawWebSocket.TEXT, utf8("{\"early\":2}"), true));
      socket.getOutputStream().write(out.toByteArray());
      InputStream in = new BufferedInputStream(socket.getInputStream());
      RawHttp.Answer answer = RawHttp.readAnswer(in);
      assertEquals(101, answer.status());
      assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", answer.header("Sec-WebSocket-Accept"), "RFC 6455's own example");
      assertNull(answer.header("Sec-WebSocket-Extensions"), "no extension agreed");
      GatewayTest.await(() -> framesOf("eager").size() == 2, "the frames sent with the upgrade");
      assertEquals(List.of("{\"early\":1}", "{\"early\":2}"), framesOf("eager"));
    }
  }

  /**
   * Jetty decides what is a WebSocket handshake: a request without a key is refused (400), a request
   * Jetty does not take for an upgrade (another version, another method, HTTP/1.0) goes on to the
   * site, which serves nothing at this path (404). (The gateway's own layer answered 400 and 426
   * here, and refused a key that is not 16 bytes, which Jetty does not check.)
   */
  @Test
  void handshakesTheRfcDoesNotAllowAreNotUpgraded() throws Exception {
    start(Map.of());
    String head = "Host: localhost\r\nOrigin: " + origin + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n";
    String key = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
    String path = "/video/connections?userID=x&peerID=y";
    RawHttp.Answer noKey = RawHttp.exchange(gateway.port(), "GET " + path + " HTTP/1.1\r\n" + head + "Sec-WebSocket-Version: 13\r\n\r\n");
    assertEquals(400, noKey.status(), "no key");
    RawHttp.Answer oldVersion = RawHttp.exchange(gateway.port(), "GET " + path + " HTTP/1.1\r\n" + head + key + "Sec-WebSocket-Version: 8\r\n\r\n");
    assertEquals(404, oldVersion.status(), "version 8");
    RawHttp.Answer post = RawHttp.exchange(gateway.port(),
        "POST " + path + " HTTP/1.1\r\n" + head + key + "Sec-WebSocket-Version: 13\r\nContent-Length: 0\r\n\r\n");
    assertEquals(404, post.status(), "POST");
    RawHttp.Answer http10 = RawHttp.exchange(gateway.port(), "GET " + path + " HTTP/1.0\r\n" + head + key + "Sec-WebSocket-Version: 13\r\n\r\n");
    assertEquals(404, http10.status(), "HTTP/1.0");
    RawHttp.Answer plain = RawHttp.exchange(gateway.port(), "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    assertEquals(404, plain.status(), "not an upgrade: the path serves nothing else");
    assertTrue(received.isEmpty(), "nothing was forwarded: " + received);
  }

  @Test
  void aSocketSilentPastTheIdleTimeoutIsToldWith1001AndEnded() throws Exception {
    start(Map.of("IDLE_TIMEOUT_SECONDS", "1", "PING_INTERVAL_SECONDS", "60"));
    try (RawWebSocket c = open("sleeper")) {
      RawWebSocket.Frame close = c.readUntil(RawWebSocket.CLOSE, WAIT);
      assertNotNull(close, "a close within a few seconds");
      assertEquals(1001, close.closeCode());
      assertHungUp(c);
    }
    GatewayTest.await(() -> of("sleeper").size() == 2, "the close envelope");
    assertEquals(1001, of("sleeper").get(1).closeCode());
  }

  @Test
  void aClientThatVanishesMidFrameIsClosedAsAbnormalAndItsHalfFrameGoesNowhere() throws Exception {
    start(Map.of());
    RawWebSocket c = open("vanisher");
    byte[] frame = RawWebSocket.maskedFrame(RawWebSocket.TEXT, utf8("{\"half\":\"" + "x".repeat(1000) + "\"}"), true);
    c.sendRaw(java.util.Arrays.copyOf(frame, frame.length / 2));
    Thread.sleep(50);
    c.close();
    GatewayTest.await(() -> of("vanisher").size() == 2, "the close envelope");
    assertEquals(1006, of("vanisher").get(1).closeCode());
    assertTrue(framesOf("vanisher").isEmpty());
    assertThrows(Exception.class, () -> c.sendText("{}"), "the socket is gone");
  }

  /**
   * A client refused while it is still sending (here 1009, a frame over the limit) gets the close
   * frame, and Jetty then ends the TCP connection without reading what still comes (RFC 6455, 7.1.7:
   * an endpoint that fails the connection may close it). The kernel answers the unread bytes with a
   * reset, so this client's writes fail; a frame already received is still read first (Linux hands
   * over what it queued before the reset). docs/protocol.md says a client that keeps writing after
   * its 1009 may see a reset. Browsers never send a frame over the limit.
   */
  @Test
  void aClientRefusedWhileStillSendingGetsTheCloseFrameAndTheConnectionEnds() throws Exception {
    start(Map.of());
    try (RawWebSocket c = open("pusher")) {
      // More than the kernel's buffers on both sides hold, so the writes need the server to read.
      byte[] huge = RawWebSocket.maskedFrame(RawWebSocket.TEXT, new byte[16 << 20], true);
      Thread writer = new Thread(() -> {
        try {
          for (int at = 0; at < huge.length; at += 64 * 1024) {
            c.sendRaw(java.util.Arrays.copyOfRange(huge, at, Math.min(huge.length, at + 64 * 1024)));
          }
        } catch (java.io.IOException expected) {
          // the server has gone: broken pipe or reset
        }
      });
      writer.start();
      RawWebSocket.Frame close = c.readUntil(RawWebSocket.CLOSE, WAIT);
      assertNotNull(close, "the close frame arrives");
      assertEquals(1009, close.closeCode());
      assertHungUp(c);
      writer.join(WAIT.toMillis());
      assertEquals(false, writer.isAlive(), "the writer is not left blocked");
    }
    GatewayTest.await(() -> of("pusher").size() == 2, "the close envelope");
    assertEquals(1009, of("pusher").get(1).closeCode());
    assertTrue(framesOf("pusher").isEmpty());
  }

  @Test
  void pingsSpendTheFrameBudgetAndAFloodOfThemIsClosedWith4008() throws Exception {
    start(Map.of("FRAME_RATE_PER_SECOND", "1", "FRAME_BURST", "5", "MAX_DROPPED_FRAMES", "10"));
    try (RawWebSocket c = open("pinger")) {
      for (int i = 0; i < 30; i++) {
        c.send(RawWebSocket.PING, utf8("p" + i));
      }
      int pongs = 0;
      RawWebSocket.Frame f;
      while ((f = c.read(WAIT)) != null && f.opcode() != RawWebSocket.CLOSE) {
        if (f.opcode() == RawWebSocket.PONG) {
          pongs++;
        }
      }
      assertNotNull(f, "closed");
      assertEquals(4008, f.closeCode());
      assertTrue(pongs >= 5 && pongs <= 6, "the burst's pings are answered, then none: " + pongs);
    }
  }

  /**
   * RFC 6455 (5.5.2): a ping MUST be answered. One over the budget is therefore never left
   * unanswered on an open socket: it ends the socket with 4008 at once (docs/security.md, "Pings and
   * fragments over the frame budget").
   */
  @Test
  void aPingOverTheBudgetClosesWith4008AtOnceRatherThanGoingUnanswered() throws Exception {
    start(Map.of("FRAME_RATE_PER_SECOND", "0.1", "FRAME_BURST", "5", "MAX_DROPPED_FRAMES", "10"));
    try (RawWebSocket c = open("pinger")) {
      for (int i = 0; i < 5; i++) {
        c.send(RawWebSocket.PING, utf8("p" + i));
        RawWebSocket.Frame pong = c.read(WAIT);
        assertNotNull(pong, "ping " + i + " within the budget is answered");
        assertEquals(RawWebSocket.PONG, pong.opcode());
        assertEquals("p" + i, pong.text(), "the pong carries the ping's payload");
      }
      c.send(RawWebSocket.PING, utf8("over"));
      RawWebSocket.Frame f = c.read(WAIT);
      assertNotNull(f, "the ping over the budget got neither a pong nor a close: left unanswered on an open socket");
      assertEquals(RawWebSocket.CLOSE, f.opcode(), "no pong over the budget");
      assertEquals(4008, f.closeCode());
      assertHungUp(c);
    }
    GatewayTest.await(() -> of("pinger").size() == 2, "the close envelope");
  }

  /** A pong needs no answer: over the budget it is dropped and counts as a drop, and only too many drops close. */
  @Test
  void pongsOverTheBudgetAreDroppedUntilTooManyThenClosedWith4008() throws Exception {
    start(Map.of("FRAME_RATE_PER_SECOND", "0.1", "FRAME_BURST", "5", "MAX_DROPPED_FRAMES", "10"));
    try (RawWebSocket c = open("ponger")) {
      for (int i = 0; i < 15; i++) { // 5 within the budget, 10 dropped
        c.send(RawWebSocket.PONG, utf8("q" + i));
      }
      assertNull(c.read(Duration.ofMillis(500)), "dropped pongs alone do not close the socket");
      c.send(RawWebSocket.PONG, utf8("one drop too many"));
      assertEquals(4008, c.readUntil(RawWebSocket.CLOSE, WAIT).closeCode());
    }
  }

  @Test
  void theFragmentsOfAMessageSpendTheFrameBudgetToo() throws Exception {
    start(Map.of("FRAME_RATE_PER_SECOND", "1", "FRAME_BURST", "5", "MAX_DROPPED_FRAMES", "10"));
    try (RawWebSocket c = open("shredder")) {
      c.send(RawWebSocket.TEXT, utf8("{"), false);
      for (int i = 0; i < 20; i++) {
        c.send(RawWebSocket.CONTINUATION, new byte[0], false);
      }
      assertEquals(4008, c.readUntil(RawWebSocket.CLOSE, WAIT).closeCode());
      assertTrue(framesOf("shredder").isEmpty());
    }
  }
}
