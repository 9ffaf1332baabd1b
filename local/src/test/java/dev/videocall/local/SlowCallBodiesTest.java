package dev.videocall.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.videocall.testkit.RawHttp;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Issue 26, item 1: {@code POST /api/calls} read its body with a blocking read on one of the
 * gateway's 16 threads, before the per-address limit and the key. 12–16 connections from one address,
 * each announcing 4,000 bytes and sending a byte now and then, stopped /healthz, the page and new
 * joins. Now the body is read only for an admitted caller, without a thread while it trickles, and
 * for at most {@link CallsHandler#BODY_DEADLINE}.
 */
class SlowCallBodiesTest {
  /** More than the gateway's threads ({@code Gateway.MAX_THREADS}, 16). */
  static final int TRICKLERS = 40;

  /** Connections that send a POST's head announcing 4,000 bytes, then one byte of body every {@code every}. */
  static final class Tricklers implements AutoCloseable {
    final List<Socket> sockets = new ArrayList<>();
    final AtomicBoolean running = new AtomicBoolean(true);
    final Thread feeder;

    Tricklers(int port, int count, Duration every) throws IOException {
      for (int i = 0; i < count; i++) {
        Socket s = new Socket("localhost", port);
        s.setSoTimeout(15_000);
        s.getOutputStream().write(("POST /api/calls HTTP/1.1\r\nHost: localhost:" + port + "\r\nContent-Type: application/json\r\n"
            + "Content-Length: 4000\r\n\r\n{").getBytes(StandardCharsets.ISO_8859_1));
        sockets.add(s);
      }
      feeder = Thread.ofPlatform().daemon().start(() -> {
        while (running.get()) {
          for (Socket s : sockets) {
            try {
              s.getOutputStream().write(' ');
            } catch (IOException answeredAndClosed) {
              // the server has answered this one
            }
          }
          try {
            Thread.sleep(every.toMillis());
          } catch (InterruptedException e) {
            return;
          }
        }
      });
    }

    /** The status each connection was answered with, in order. */
    List<Integer> answers() throws IOException {
      List<Integer> statuses = new ArrayList<>();
      for (Socket s : sockets) {
        statuses.add(RawHttp.readAnswer(new BufferedInputStream(s.getInputStream())).status());
      }
      return statuses;
    }

    @Override
    public void close() throws Exception {
      running.set(false);
      feeder.join(2_000);
      for (Socket s : sockets) {
        s.close();
      }
    }
  }

  static long millis(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1_000_000;
  }

  @Test
  void tricklingBodiesHoldNoThreadSoHealthThePageAndANewCallAnswerPromptly() throws Exception {
    // A budget that admits every trickler, so each one's body is being read.
    try (LocalStack stack = OwnerOnlyCallsTest.start(Map.of("CREATE_CALL_BURST", "100"));
        Tricklers tricklers = new Tricklers(stack.port(), TRICKLERS, Duration.ofMillis(200))) {
      int port = stack.port();
      Thread.sleep(1_000);
      long started = System.nanoTime();
      assertEquals(200, RawHttp.get(port, "/healthz").status());
      assertEquals(200, RawHttp.get(port, "/").status());
      RawHttp.Answer created = OwnerOnlyCallsTest.post(port, "");
      long took = millis(started);
      assertEquals(200, created.status(), created.body());
      assertTrue(took < 2_000, "health, the page and a new call took " + took + " ms beside " + TRICKLERS + " trickling bodies");
    }
  }

  @Test
  void aBodyStillComingAtTheDeadlineGets408() throws Exception {
    try (LocalStack stack = OwnerOnlyCallsTest.start(Map.of());
        Tricklers trickler = new Tricklers(stack.port(), 1, Duration.ofMillis(200))) {
      long started = System.nanoTime();
      assertEquals(List.of(408), trickler.answers());
      long took = millis(started);
      long deadline = CallsHandler.BODY_DEADLINE.toMillis();
      assertTrue(took >= deadline - 500 && took < deadline + 3_000, "answered after " + took + " ms; deadline " + deadline + " ms");
    }
  }

  @Test
  void overTheAddressBudgetOrTheSizeLimitNoBodyIsWaitedFor() throws Exception {
    try (LocalStack stack = OwnerOnlyCallsTest.start(Map.of("CREATE_CALL_BURST", "3", "CREATE_CALLS_PER_MINUTE", "1"));
        Tricklers admitted = new Tricklers(stack.port(), 3, Duration.ofMillis(200))) {
      Thread.sleep(300);
      long started = System.nanoTime();
      try (Tricklers over = new Tricklers(stack.port(), 2, Duration.ofMillis(200))) {
        assertEquals(List.of(429, 429), over.answers(), "the address spent its budget: refused with the body unread");
      }
      assertTrue(millis(started) < 2_000, "at once: " + millis(started) + " ms");
    }
    try (LocalStack stack = OwnerOnlyCallsTest.start(Map.of())) {
      long started = System.nanoTime();
      RawHttp.Answer big = RawHttp.exchange(stack.port(), "POST /api/calls HTTP/1.1\r\nHost: localhost:" + stack.port()
          + "\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{");
      assertEquals(413, big.status(), big.body());
      assertTrue(millis(started) < 2_000, "refused from its Content-Length, unread: " + millis(started) + " ms");
    }
  }
}
