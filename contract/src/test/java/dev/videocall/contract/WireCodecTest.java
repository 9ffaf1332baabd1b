package dev.videocall.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.videocall.contract.Envelope.Event;
import dev.videocall.contract.WireCodec.MalformedWireMessageException;
import org.junit.jupiter.api.Test;

class WireCodecTest {

  @Test
  void envelopeRoundTripsThroughJson() {
    Envelope e =
        new Envelope("c1", "gw-a", Event.FRAME, 7, "alice", "bob", "tok", "{\"type\":\"bye\"}", null, "UA/1");
    assertEquals(e, WireCodec.decodeEnvelope(WireCodec.encode(e)));
  }

  @Test
  void deliveryRoundTripsThroughJson() {
    Delivery d =
        Delivery.close(new ConnectionRef("gw-b", "c2"), "{\"type\":\"error\"}", 4001, "invalid token", "c2", 0, 1);
    assertEquals(d, WireCodec.decodeDelivery(WireCodec.encode(d)));
  }

  @Test
  void garbageIsRejectedWithOneExceptionType() {
    String valid = WireCodec.encode(new Envelope("c1", "gw-a", Event.FRAME, 7, "alice", "bob", "tok", "{}", null, "UA/1"));
    String repeated = valid.replace("\"seq\":7", "\"seq\":7,\"seq\":8");
    String lenient = valid.replace("\"seq\":7", "seq:7");
    for (String bad : new String[] {"", "null", "[]", "{", "{\"event\":\"NOPE\"}", "{\"connectionId\":\"c\"}", "42", repeated, lenient}) {
      assertThrows(MalformedWireMessageException.class, () -> WireCodec.decodeEnvelope(bad), bad);
      assertThrows(MalformedWireMessageException.class, () -> WireCodec.decodeDelivery(bad), bad);
    }
  }
}
