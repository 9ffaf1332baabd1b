package dev.videocall.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import dev.videocall.contract.Envelope;
import dev.videocall.contract.WireCodec;
import dev.videocall.contract.invite.InviteTokens;
import dev.videocall.contract.invite.SigningKeys;
import dev.videocall.core.GatewayLiveness;
import dev.videocall.core.IceServers;
import dev.videocall.core.PresenceStore;
import dev.videocall.core.SignalingRouter;
import java.io.ByteArrayInputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A wake is answered at once and touches nothing: not presence (Firestore in the cloud), not egress.
 * Every port the router has records what it was asked; a wake must leave both records empty.
 */
class RouterFunctionWakeTest {
  final List<String> asked = new ArrayList<>();
  final InviteTokens tokens = new InviteTokens(SigningKeys.of("k1", "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII)));
  final SignalingRouter router = new SignalingRouter(tokens, recording(PresenceStore.class, "presence"),
      recording(GatewayLiveness.class, "liveness"), IceServers.stunOnly(List.of()), Clock.systemUTC());
  final RouterFunction function = new RouterFunction(router, deliveries -> asked.add("egress " + deliveries));

  @Test
  void aWakeIsAnsweredAtOnceWithoutPresenceOrEgress() throws Exception {
    assertEquals(204, push(Envelope.wake("gw-a")));
    assertEquals(List.of(), asked, "a wake reads, writes and publishes nothing");
  }

  @Test
  void aCloseStillReachesPresence() throws Exception {
    String token = tokens.mint(tokens.newSessionId(), "alice", "bob", java.time.Instant.now().plusSeconds(3600));
    push(Envelope.close("c1", "gw-a", 1, "alice", "bob", token, 1000));
    assertEquals(true, asked.stream().anyMatch(a -> a.startsWith("presence ")),
        "the recording sees what the router asks (else the wake test proves nothing): " + asked);
  }

  /** Posts one envelope as router-push would; returns the status the function answered. */
  private int push(Envelope envelope) throws Exception {
    String data = Base64.getEncoder().encodeToString(WireCodec.encode(envelope).getBytes(StandardCharsets.UTF_8));
    byte[] body = ("{\"message\":{\"data\":\"" + data + "\",\"messageId\":\"1\"},\"subscription\":\"router-push\"}")
        .getBytes(StandardCharsets.UTF_8);
    HttpRequest request = (HttpRequest) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {HttpRequest.class},
        (proxy, method, args) -> method.getName().equals("getInputStream") ? new ByteArrayInputStream(body) : null);
    int[] status = {0};
    HttpResponse response = (HttpResponse) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {HttpResponse.class},
        (proxy, method, args) -> {
          if (method.getName().equals("setStatusCode")) {
            status[0] = (Integer) args[0];
          }
          return null;
        });
    function.service(request, response);
    return status[0];
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
