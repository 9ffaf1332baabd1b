package dev.videocall.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.videocall.contract.Envelope.Event;
import dev.videocall.contract.WireCodec.MalformedWireMessageException;
import org.junit.jupiter.api.Test;

class WireCodecTest {

  @Test
  void envelopeRoundTripsThroughJson() {
    Envelope e =
        new Envelope("c1", "gw-a", Event.FRAME, 7, "alice", "bob", "tok", java.util.List.of("{\"type\":\"bye\"}"), null, "UA/1", null);
    assertEquals(e, WireCodec.decodeEnvelope(WireCodec.encode(e)));
  }

  @Test
  void anOpenCarriesWhenItsSocketOpenedAndAnOpenWithoutItStillDecodes() {
    Envelope open = Envelope.open("c1", "gw-a", "alice", "bob", "tok", "UA/1", 1_795_000_000_123L);
    String json = WireCodec.encode(open);
    assertTrue(json.contains("\"openedAtMillis\":1795000000123"), json);
    assertEquals(open, WireCodec.decodeEnvelope(json));
    Envelope fromAnEarlierGateway = WireCodec.decodeEnvelope(json.replace(",\"openedAtMillis\":1795000000123", ""));
    assertEquals(null, fromAnEarlierGateway.openedAtMillis(), "an open of a gateway that does not say when");
  }

  @Test
  void aWakeRoundTripsAndNamesOnlyItsGateway() {
    Envelope wake = Envelope.wake("gw-a");
    String json = WireCodec.encode(wake);
    assertEquals(wake, WireCodec.decodeEnvelope(json));
    assertEquals("{\"connectionId\":\"gw-a\",\"gatewayId\":\"gw-a\",\"event\":\"WAKE\",\"seq\":0,\"frames\":[]}", json,
        "a wake carries no person, no token and no frame");
    assertEquals("gw-a", wake.orderingKey(), "one instance's wakes share a key no connection has");
  }

  @Test
  void deliveryRoundTripsThroughJson() {
    Delivery d =
        Delivery.close(new ConnectionRef("gw-b", "c2"), "{\"type\":\"error\"}", 4001, "invalid token", "c2", 0, 1);
    assertEquals(java.util.List.of(d), WireCodec.decodeDeliveries(WireCodec.encode(java.util.List.of(d))));
  }

  @Test
  void deliveriesToOneConnectionRoundTripAsOneArray() {
    ConnectionRef to = new ConnectionRef("gw-b", "c2");
    java.util.List<Delivery> batch = java.util.List.of(
        Delivery.frame(to, "{\"type\":\"candidate\"}", "c1", 9, 0), Delivery.frame(to, "{\"type\":\"offer\"}", "c1", 9, 1));
    assertEquals(batch, WireCodec.decodeDeliveries(WireCodec.encode(batch)));
    for (String bad : new String[] {"[]", "[null]", "{}", "[{\"gatewayId\":\"g\"}]", "nope"}) {
      assertThrows(MalformedWireMessageException.class, () -> WireCodec.decodeDeliveries(bad), bad);
    }
  }

  @Test
  void aFrameTravelsAsAJsonStringWhateverItsCharacters() {
    ConnectionRef to = new ConnectionRef("gw-b", "c2");
    String frame = "{\"type\":\"offer\",\"sdp\":\"v=0\\r\\n\u00e9 \ud83d\ude00 \u2028\"}";
    String json = WireCodec.encode(java.util.List.of(Delivery.frame(to, frame, "c1", 3, 0)));
    assertTrue(json.contains("\"frame\":\"{\\\"type\\\":\\\"offer\\\""), json);
    assertEquals(frame, WireCodec.decodeDeliveries(json).get(0).frame());
  }

  @Test
  void garbageIsRejectedWithOneExceptionType() {
    String valid = WireCodec.encode(new Envelope("c1", "gw-a", Event.FRAME, 7, "alice", "bob", "tok", java.util.List.of("{}"), null, "UA/1", null));
    String repeated = valid.replace("\"seq\":7", "\"seq\":7,\"seq\":8");
    String lenient = valid.replace("\"seq\":7", "seq:7");
    for (String bad : new String[] {"", "null", "[]", "{", "{\"event\":\"NOPE\"}", "{\"connectionId\":\"c\"}", "42", repeated, lenient}) {
      assertThrows(MalformedWireMessageException.class, () -> WireCodec.decodeEnvelope(bad), bad);
      assertThrows(MalformedWireMessageException.class, () -> WireCodec.decodeDeliveries(bad), bad);
    }
  }
}
