package dev.videocall.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.videocall.contract.Delivery;
import dev.videocall.contract.Envelope;
import dev.videocall.contract.invite.InviteTokens;
import dev.videocall.contract.invite.SigningKeys;
import dev.videocall.core.GatewayLiveness;
import dev.videocall.core.IceServers;
import dev.videocall.core.SignalingRouter;
import dev.videocall.core.memory.InMemoryPresenceStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one-JVM ingress: built before the gateway, told where to deliver once, then router in, deliveries out. */
class DirectIngressTest {
  final InviteTokens tokens = new InviteTokens(SigningKeys.of("t1", "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8)));
  final DirectIngress ingress = new DirectIngress(new SignalingRouter(
      tokens, new InMemoryPresenceStore(), GatewayLiveness.ALWAYS_ALIVE, IceServers.stunOnly(List.of()), Clock.systemUTC()));

  Envelope aliceOpens() {
    String token = tokens.mint(tokens.newSessionId(), "alice", "bob", Instant.now().plusSeconds(60));
    return Envelope.open("c1", "gw", "alice", "bob", token, "ua");
  }

  @Test
  void theRoutersDeliveriesGoWhereItWasTold() {
    List<Delivery> delivered = new ArrayList<>();
    ingress.deliverTo(delivered::addAll);
    ingress.accept(aliceOpens());
    assertEquals(1, delivered.size(), "got " + delivered + ", want alice's welcome");
    assertTrue(delivered.get(0).frame().toString().startsWith("{\"type\":\"welcome\""), delivered.get(0).frame().toString());
  }

  @Test
  void anEnvelopeBeforeItKnowsWhereToDeliverIsAWiringError() {
    var e = assertThrows(IllegalStateException.class, () -> ingress.accept(aliceOpens()));
    assertTrue(e.getMessage().contains("before"), e.getMessage());
  }

  @Test
  void itIsToldWhereToDeliverOnce() {
    ingress.deliverTo(d -> { });
    assertThrows(IllegalStateException.class, () -> ingress.deliverTo(d -> { }));
  }
}
