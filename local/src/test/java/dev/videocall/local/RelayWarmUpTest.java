package dev.videocall.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import dev.videocall.testkit.LogCapture;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class RelayWarmUpTest {

  @Test
  void relaysWholeRoundsThroughAThrowawayCopyQuietlyAndLeavesNothingBehind() throws Exception {
    Logger ours = (Logger) LoggerFactory.getLogger("dev.videocall");
    assertNull(ours.getLevel(), "inherits the root's level before");
    try (LogCapture logs = LogCapture.start()) {
      RelayWarmUp.Result r = RelayWarmUp.run(2_000, 0);
      assertTrue(r.complete(), "every call ended its round before the copy went");
      assertTrue(r.messages() >= 2_000, "relayed at least what was asked: " + r.messages());
      // It goes on until the JIT settles, or until its time limit.
      assertTrue(r.settled() || r.took().toSeconds() >= 10, "stopped early without settling: " + r);
      // The limit, the grace for the last rounds, and closing the copy (its shutdown grace is 1 s).
      assertTrue(r.took().toSeconds() < 16, "kept the port closed too long: " + r);
      assertEquals(0, r.messages() % 22, "whole rounds of 22 messages, none cut off: " + r.messages());
      assertTrue(logs.lines().stream().noneMatch(l -> l.contains("joined call") || l.contains("gateway started") || l.contains("refused")),
          "the copy's calls are not logged, and it refused nothing: " + logs.lines());
    }
    assertNull(ours.getLevel(), "the level is given back");
    // The copy is gone: a real stack starts and relays as usual (LocalStackTest covers the relay itself).
    try (LocalStack stack = LocalStack.start(LocalConfig.fromEnv(java.util.Map.of("PORT", "0")))) {
      assertTrue(stack.port() > 0);
    }
  }

  /** A server as far as awayFrom is concerned: a port, and whether it was closed. */
  private static final class FakeServer implements AutoCloseable {
    final int port;
    boolean closed;

    FakeServer(int port) {
      this.port = port;
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  @Test
  void theCopyNeverKeepsThePortTheRealStackOpensNext() throws Exception {
    List<FakeServer> started = new ArrayList<>();
    Iterator<Integer> ports = List.of(8080, 40001).iterator();
    FakeServer copy = RelayWarmUp.awayFrom(8080, () -> {
      FakeServer s = new FakeServer(ports.next());
      started.add(s);
      return s;
    }, s -> s.port);
    assertEquals(40001, copy.port, "a second start, while the first still held the port");
    assertTrue(started.get(0).closed, "the first start is let go");
    assertFalse(copy.closed);

    FakeServer elsewhere = RelayWarmUp.awayFrom(8080, () -> new FakeServer(40002), s -> s.port);
    assertEquals(40002, elsewhere.port, "any other port is kept as it is");
    assertFalse(elsewhere.closed);
  }
}
