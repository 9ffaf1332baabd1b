package dev.videocall.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.videocall.contract.Envelope;
import dev.videocall.contract.Envelope.Event;
import dev.videocall.contract.invite.InviteTokens;
import dev.videocall.contract.invite.SigningKeys;
import dev.videocall.testkit.RawHttp;
import dev.videocall.testkit.RawWebSocket;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Sockets refused for their link (issue 26, item 2) over real sockets: told why, then gone at once,
 * reading nothing in between, so what a flood of them sends costs no heap, and their places under
 * {@code MAX_CONNECTIONS} come back.
 */
class RefusedConnectionTest {
  static final String KEYS = "k1:" + Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());
  static final String FORGED = "userID=alice&peerID=bob&token=v1.k1.SESSION0123456789ab.9999999999.AAAA";
  static final Duration WAIT = Duration.ofSeconds(5);
  /** What the pool's test may leave: the most Jetty's pool keeps (4 MiB of heap), and as much again. */
  static final long HEAP_SLACK = 8L << 20;
  final List<Envelope> received = new CopyOnWriteArrayList<>();
  Gateway gateway;
  String origin;

  void start(Map<String, String> overrides) throws Exception {
    Map<String, String> env = new HashMap<>(Map.of("PORT", "0", "GATEWAY_ID", "gw-refused", "INVITE_SIGNING_KEYS", KEYS,
        "MAX_NEW_CONNECTIONS_PER_ADDRESS_PER_MINUTE", "1000000"));
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

  @Test
  void aRefusedLinkIsToldWhyThenItsConnectionEndsOnceTheCloseIsWrittenNotAfterTheGrace() throws Exception {
    start(Map.of());
    try (RawWebSocket forged = RawWebSocket.open(gateway.port(), FORGED, origin)) {
      RawWebSocket.Frame error = forged.read(WAIT);
      assertNotNull(error, "the error frame");
      assertTrue(error.text().contains("\"code\":\"invalid-token\""), error.text());
      assertEquals(4001, forged.readUntil(RawWebSocket.CLOSE, WAIT).closeCode());
      // Not the end of the stream (Jetty shuts its output once the close is sent): whether it still reads.
      long hungUp = forged.millisUntilServerHangsUp(WAIT, Duration.ofMillis(10));
      assertTrue(hungUp >= 0 && hungUp < GatewayConfig.CLOSE_GRACE.toMillis() / 2,
          "the server still read the refused socket " + hungUp + " ms after its close (-1: for " + WAIT + "); the grace is " + GatewayConfig.CLOSE_GRACE);
    }
    assertTrue(received.isEmpty(), "nothing forwarded: " + received);
  }

  /**
   * The attack run's probe, smaller and in process: each refused socket sends 65,000 bytes of an
   * unfinished 64 KiB frame. Before, Jetty read each into a buffer of its own and held it for the
   * socket's close grace (+36 MB here while 500 lasted), and the grace's timer held the whole session
   * for 2 s even once the socket had ended (+3 MB); now nothing is read, and an ended socket's timer
   * is cancelled: each is left holding at most 4 KiB, once gone nothing.
   */
  @Test
  void refusedSocketsSendingUnfinishedFramesHoldNoHeap() throws Exception {
    start(Map.of());
    byte[] frame = RawWebSocket.maskedFrame(RawWebSocket.TEXT, new byte[65_536], true);
    byte[] unfinished = java.util.Arrays.copyOf(frame, frame.length - 536); // the header and 65,000 bytes
    closeAfterTheGrace(send(20, "warm-up", unfinished)); // classes loaded and threads started before measuring
    long before = heapAfterFullGc();
    int sockets = 500;
    List<Socket> held = send(sockets, "mem", unfinished);
    long during = heapAfterFullGc(); // within the close grace of most of them
    closeAfterTheGrace(held);
    long after = heapAfterFullGc();
    System.out.printf("%d refused sockets: heap after full GC %.1f MB before, %.1f MB while they lasted, %.1f MB once gone%n",
        sockets, before / 1e6, during / 1e6, after / 1e6);
    long bound = sockets * 4096L;
    assertTrue(during - before <= bound && after - before <= bound, String.format(
        "%d refused sockets: heap after full GC %+.1f MB while they lasted, %+.1f MB once gone (bound %.1f MB, 4 KiB each)",
        sockets, (during - before) / 1e6, (after - before) / 1e6, bound / 1e6));
  }

  /**
   * Jetty's pool keeps the buffers it lets go: a 64 KiB frame that arrives in two reads is gathered in
   * one, so 500 sockets doing so at once left 500 of them pooled (+33 MB here) after the sockets were
   * gone, up to an eighth of the heap by Jetty's default; now at most 4 MiB ({@link GatewayConfig#POOLED_BUFFERS_PER_SIZE}).
   */
  @Test
  void buffersABurstOfSocketsUsedAreGivenBackOnceTheyAreGone() throws Exception {
    start(Map.of("INVITE_SIGNING_KEYS", "")); // any link joins: these sockets are accepted
    byte[] frame = RawWebSocket.maskedFrame(RawWebSocket.BINARY, new byte[65_000], true); // refused with 1003 once whole
    int half = frame.length / 2;
    closeAfterTheGrace(send(20, "warm-up", frame));
    long before = heapAfterFullGc();
    List<Socket> sockets = send(500, "burst", java.util.Arrays.copyOf(frame, half));
    byte[] rest = java.util.Arrays.copyOfRange(frame, half, frame.length);
    for (Socket s : sockets) {
      write(s, rest);
    }
    closeAfterTheGrace(sockets);
    GatewayTest.await(() -> gateway.openConnections() == 0, "every socket gone");
    long after = heapAfterFullGc();
    System.out.printf("500 sockets each sending a 64 KiB frame in two parts: heap after full GC %.1f MB before, %.1f MB once gone%n",
        before / 1e6, after / 1e6);
    assertTrue(after - before <= HEAP_SLACK, String.format("%+.1f MB of heap kept once the sockets were gone (bound %d MB)",
        (after - before) / 1e6, HEAP_SLACK >> 20));
  }

  /**
   * Opens {@code count} sockets, named {@code prefix} and a number, each sending these bytes once
   * upgraded. Plain sockets with no read buffer: what the test holds counts in the same heap.
   */
  List<Socket> send(int count, String prefix, byte[] bytes) throws Exception {
    List<Socket> opened = new CopyOnWriteArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<?>> sent = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int n = i;
      sent.add(pool.submit(() -> {
        Socket s = new Socket("localhost", gateway.port());
        opened.add(s);
        s.setSoTimeout(10_000);
        s.getOutputStream().write(RawWebSocket.upgradeRequest(gateway.port(), "userID=" + prefix + n + "&peerID=peer&token=forged." + n, origin));
        assertEquals(101, RawHttp.readAnswer(s.getInputStream()).status());
        write(s, bytes);
        return null;
      }));
    }
    for (Future<?> f : sent) {
      f.get();
    }
    pool.shutdown();
    return opened;
  }

  static void write(Socket s, byte[] bytes) {
    try {
      s.getOutputStream().write(bytes);
    } catch (IOException endedMeanwhile) {
      // the server has ended the socket already
    }
  }

  /** Closes these sockets from the client's side once every close grace has run out, and lets go of them. */
  static void closeAfterTheGrace(List<Socket> sockets) throws Exception {
    Thread.sleep(GatewayConfig.CLOSE_GRACE.toMillis() + 1_000);
    for (Socket s : sockets) {
      s.close();
    }
    sockets.clear();
  }

  static long heapAfterFullGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /**
   * A refused socket takes a place under MAX_CONNECTIONS while it lasts (now only until its close
   * frame is written), and every one gives it back: with one place, each of 200 in turn is refused
   * for its link (not 503), and a genuine link then joins.
   */
  @Test
  void refusedSocketsTakeAPlaceUnderTheCapAndGiveItBack() throws Exception {
    start(Map.of("MAX_CONNECTIONS", "1"));
    for (int i = 0; i < 200; i++) {
      try (RawWebSocket forged = RawWebSocket.open(gateway.port(), FORGED, origin)) {
        assertEquals(4001, forged.readUntil(RawWebSocket.CLOSE, WAIT).closeCode(), "refusal " + i);
      }
      GatewayTest.await(() -> gateway.openSockets() == 0, "refusal " + i + "'s place given back");
    }
    InviteTokens tokens = new InviteTokens(SigningKeys.parse(KEYS));
    String token = URLEncoder.encode(tokens.mint(tokens.newSessionId(), "alice", "bob", Instant.now().plusSeconds(600)), StandardCharsets.UTF_8);
    try (RawWebSocket alice = RawWebSocket.open(gateway.port(), "userID=alice&peerID=bob&token=" + token, origin)) {
      GatewayTest.await(() -> received.size() == 1 && received.get(0).event() == Event.OPEN, "the genuine link's open");
      RawWebSocket.Refused full = assertThrows(RawWebSocket.Refused.class, () -> RawWebSocket.open(gateway.port(), FORGED, origin));
      assertEquals(503, full.answer.status(), "the one place is taken");
    }
  }
}
