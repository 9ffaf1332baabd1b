package dev.videocall.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.videocall.contract.Envelope;
import dev.videocall.contract.invite.InviteTokens;
import dev.videocall.contract.invite.SigningKeys;
import dev.videocall.core.GatewayLiveness;
import dev.videocall.core.IceServers;
import dev.videocall.core.PresenceStore;
import dev.videocall.core.SignalingRouter;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A wake runs the warm-up, then is answered, and touches nothing else: not presence (Firestore in the
 * cloud), not egress. Every port the router has, and the answer, records what it was asked, in order.
 */
class RouterFunctionWakeTest {
  final List<String> asked = new ArrayList<>();
  final InviteTokens tokens = new InviteTokens(SigningKeys.of("k1", "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII)));
  final SignalingRouter router = new SignalingRouter(tokens, recording(PresenceStore.class, "presence"),
      recording(GatewayLiveness.class, "liveness"), IceServers.stunOnly(List.of()), Clock.systemUTC());
  final RouterFunction function = new RouterFunction(router, deliveries -> asked.add("egress " + deliveries),
      () -> asked.add("warm-up"));

  @Test
  void aWakeWarmsUpThenAnswersWithoutPresenceOrEgress() throws Exception {
    assertEquals(204, push(Envelope.wake("gw-a")));
    assertEquals(List.of("warm-up", "answered 204"), asked,
        "a wake makes the clients ready before it answers (no CPU after the answer), and asks nothing of presence or egress");
  }

  @Test
  void aWakeWhoseWarmUpFailsIsStillAcknowledged() throws Exception {
    RouterFunction failing = new RouterFunction(router, deliveries -> asked.add("egress " + deliveries), () -> {
      asked.add("warm-up");
      throw new IllegalStateException("could not reach Firestore: UNAVAILABLE");
    });
    assertEquals(204, push(failing, Envelope.wake("gw-a")),
        "a wake that Pub/Sub redelivered would not help the join, which connects by itself");
    assertEquals(List.of("warm-up", "answered 204"), asked);
  }

  @Test
  void aCloseReachesPresenceAndNeverWarmsUp() throws Exception {
    String token = tokens.mint(tokens.newSessionId(), "alice", "bob", java.time.Instant.now().plusSeconds(3600));
    push(Envelope.close("c1", "gw-a", 1, "alice", "bob", token, 1000));
    assertEquals(true, asked.stream().anyMatch(a -> a.startsWith("presence ")),
        "the recording sees what the router asks (else the wake test proves nothing): " + asked);
    assertEquals(false, asked.contains("warm-up"), "only a wake warms up: " + asked);
  }

  private int push(Envelope envelope) throws Exception {
    return push(function, envelope);
  }

  private int push(RouterFunction function, Envelope envelope) throws Exception {
    return Pushes.push(function, envelope, status -> asked.add("answered " + status));
  }

  /** An implementation of {@code port} that notes every call and answers as an empty store would. */
  private <T> T recording(Class<T> port, String name) {
    return port.cast(Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {port}, (proxy, method, args) -> {
      asked.add(name + " " + method.getName());
      Class<?> type = method.getReturnType();
      if (type == boolean.class) {
        return false;
      }
      if (type == List.class) {
        return List.of();
      }
      if (type == java.util.Optional.class) {
        return java.util.Optional.empty();
      }
      return null;
    }));
  }
}
