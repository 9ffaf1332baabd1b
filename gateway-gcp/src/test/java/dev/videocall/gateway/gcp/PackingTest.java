package dev.videocall.gateway.gcp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.videocall.contract.Envelope;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What waited behind a publish goes out packed: frames together, in order; opens and closes alone. */
class PackingTest {
  static Envelope frame(long seq, String text) {
    return Envelope.frame("c1", "gw", seq, "alice", "bob", "t", text);
  }

  @Test
  void consecutiveFramesBecomeOneEnvelopeNumberedAsTheLast() {
    List<Envelope> packed = PubSubIngress.packed(List.of(frame(2, "a"), frame(3, "b"), frame(4, "c")));
    assertEquals(1, packed.size());
    assertEquals(List.of("a", "b", "c"), packed.get(0).frames());
    assertEquals(4, packed.get(0).seq());
  }

  @Test
  void aPackedRunIsWhatFollowedByMakesOfIt() {
    Envelope open = Envelope.open("c1", "gw", "alice", "bob", "t", "UA");
    List<Envelope> run = List.of(frame(2, "a"), frame(3, "b"), frame(4, "c"));
    List<Envelope> packed = PubSubIngress.packed(List.of(open, run.get(0), run.get(1), run.get(2)));
    assertEquals(List.of(open, run.get(0).followedBy(run.get(1)).followedBy(run.get(2))), packed);
  }

  @Test
  void aCloseIsNeverPackedAndStaysLast() {
    Envelope close = Envelope.close("c1", "gw", 5, "alice", "bob", "t", 1000);
    List<Envelope> packed = PubSubIngress.packed(List.of(frame(3, "a"), frame(4, "b"), close));
    assertEquals(2, packed.size());
    assertEquals(List.of("a", "b"), packed.get(0).frames());
    assertEquals(close, packed.get(1));
  }

  @Test
  void packingStopsAtTheSizeBudget() {
    String big = "x".repeat(PubSubIngress.MAX_PACKED_FRAME_CHARS / 2);
    List<Envelope> packed = PubSubIngress.packed(List.of(frame(1, big), frame(2, big), frame(3, "tail")));
    assertEquals(2, packed.size());
    assertEquals(2, packed.get(0).frames().size());
    assertEquals(List.of("tail"), packed.get(1).frames());
    assertEquals(3, packed.get(1).seq());
  }
}
