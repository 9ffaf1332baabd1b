package dev.videocall.gateway.gcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.videocall.contract.Envelope;
import dev.videocall.contract.protocol.CloseCode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Sockets opened while the instance starts wait, in order and within bounds, and are served once it is ready. */
class ReadinessGateTest {
  final List<String> forwarded = new CopyOnWriteArrayList<>();
  final List<String> closed = new CopyOnWriteArrayList<>();
  final AtomicInteger heldOpens = new AtomicInteger();

  ReadinessGate gate(Duration maxWait) {
    return new ReadinessGate(maxWait, heldOpens::incrementAndGet, (id, code, reason) -> closed.add(id + " " + code.code()));
  }

  void ready(ReadinessGate gate) {
    gate.open(e -> forwarded.add(e.event() + " " + e.connectionId() + " " + e.seq()));
  }

  static Envelope open(String c) {
    return Envelope.open(c, "gw", "alice", "bob", "t", "ua");
  }

  static Envelope frame(String c, long seq) {
    return Envelope.frame(c, "gw", seq, "alice", "bob", "t", "{}");
  }

  static Envelope close(String c, long seq) {
    return Envelope.close(c, "gw", seq, "alice", "bob", "t", 1000);
  }

  @Test
  void whatWaitedGoesOnInOrderOnceReadyAndThenEverythingPassesStraight() {
    ReadinessGate gate = gate(Duration.ofSeconds(10));
    gate.accept(open("c1"));
    gate.accept(open("c2"));
    gate.accept(frame("c1", 1));
    gate.accept(frame("c2", 1));
    gate.accept(frame("c1", 2));
    assertEquals(List.of(), forwarded, "nothing goes on before the instance is ready");
    assertFalse(gate.isOpen());
    assertEquals(2, heldOpens.get(), "each waiting open is told (the router is woken)");
    ready(gate);
    assertTrue(gate.isOpen());
    assertEquals(List.of("OPEN c1 0", "FRAME c1 1", "FRAME c1 2", "OPEN c2 0", "FRAME c2 1"), forwarded);
    gate.accept(frame("c2", 2));
    gate.accept(open("c3"));
    assertEquals(List.of("FRAME c2 2", "OPEN c3 0"), forwarded.subList(5, 7));
    assertEquals(2, heldOpens.get(), "an open after ready does not wait");
    assertEquals(List.of(), closed);
  }

  @Test
  void aSocketThatEndsWhileWaitingNeverReachesTheRouter() {
    ReadinessGate gate = gate(Duration.ofSeconds(10));
    gate.accept(open("c1"));
    gate.accept(close("c1", 1));
    ready(gate);
    assertEquals(List.of(), forwarded, "no join and no leave for a socket the router never heard of");
  }

  @Test
  void aSocketThatWaitsTooLongIsClosedWith1013AndNothingOfItGoesOn() throws Exception {
    ReadinessGate gate = gate(Duration.ofMillis(100));
    gate.accept(open("c1"));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (closed.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(List.of("c1 " + CloseCode.TRY_AGAIN_LATER.code()), closed, "closed with try-again-later after the bound");
    ready(gate);
    gate.accept(close("c1", 1)); // its close arrives once the close handshake ends
    gate.accept(open("c2"));
    assertEquals(List.of("OPEN c2 0"), forwarded, "the turned-away socket's open and close never went on");
  }

  @Test
  void aClientThatSendsTooMuchWhileWaitingIsClosed() {
    ReadinessGate gate = gate(Duration.ofSeconds(10));
    gate.accept(open("c1"));
    for (int i = 1; i < ReadinessGate.MAX_HELD_PER_CONNECTION; i++) {
      gate.accept(frame("c1", i));
    }
    assertEquals(List.of(), closed, "up to the bound, everything waits");
    gate.accept(frame("c1", ReadinessGate.MAX_HELD_PER_CONNECTION));
    assertEquals(List.of("c1 1013"), closed);
    ready(gate);
    gate.accept(close("c1", 40));
    assertEquals(List.of(), forwarded);
  }

  @Test
  void aSocketServedInTimeIsNotClosedLater() throws Exception {
    ReadinessGate gate = gate(Duration.ofMillis(100));
    gate.accept(open("c1"));
    ready(gate);
    Thread.sleep(300);
    assertEquals(List.of(), closed);
    assertEquals(List.of("OPEN c1 0"), forwarded);
  }
}
