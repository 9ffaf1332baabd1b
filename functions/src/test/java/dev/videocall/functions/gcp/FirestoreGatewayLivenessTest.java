package dev.videocall.functions.gcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Alive answers are cached briefly; dead ones never, so a gateway that wakes and beats is alive at once. */
class FirestoreGatewayLivenessTest {
  static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
  final Map<String, Instant> beats = new HashMap<>();
  int reads;
  final FirestoreGatewayLiveness liveness = new FirestoreGatewayLiveness(
      id -> {
        reads++;
        return Optional.ofNullable(beats.get(id));
      },
      Duration.ofSeconds(30),
      Duration.ofSeconds(3));

  @Test
  void aliveIsCachedForAWhile() {
    beats.put("gw", T0);
    assertTrue(liveness.isAlive("gw", T0.plusSeconds(1)));
    assertTrue(liveness.isAlive("gw", T0.plusSeconds(2)));
    assertTrue(liveness.isAlive("gw", T0.plusSeconds(4)));
    assertEquals(1, reads, "one read for the first 3 s of a burst");
    assertTrue(liveness.isAlive("gw", T0.plusSeconds(4).plusMillis(3001)));
    assertEquals(2, reads);
  }

  @Test
  void aGatewayThatWakesIsAliveAtOnceAfterItBeats() {
    beats.put("gw", T0);
    assertFalse(liveness.isAlive("gw", T0.plusSeconds(600)), "idle ten minutes: no beat");
    beats.put("gw", T0.plusSeconds(601)); // the first connection after the idle beats before its open goes on
    assertTrue(liveness.isAlive("gw", T0.plusSeconds(601).plusMillis(50)), "a dead answer is not remembered");
    assertEquals(2, reads);
  }

  @Test
  void aCachedAliveAnswerEndsWithTheWindow() {
    beats.put("gw", T0);
    assertTrue(liveness.isAlive("gw", T0.plusSeconds(29)));
    assertFalse(liveness.isAlive("gw", T0.plusSeconds(30)), "the beat is 30 s old now, cache or not");
    assertEquals(2, reads);
  }

  @Test
  void aGatewayThatNeverBeatIsDead() {
    assertFalse(liveness.isAlive("nobody", T0));
    assertFalse(liveness.isAlive("nobody", T0));
    assertEquals(2, reads, "asked twice, read twice");
  }
}
