package dev.videocall.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** How the router answers pushes that never reach the core (the core is absent here, and never asked). */
class RouterFunctionTest {
  private final RouterFunction router = new RouterFunction(null, deliveries -> {
    throw new AssertionError("nothing may be delivered");
  });

  private int statusFor(String body) throws Exception {
    return Pushes.post(router, body, status -> {});
  }

  @Test
  void aRequestThatIsNoPushIsRefusedSoPubSubSendsTheMessageAgain() throws Exception {
    // An empty or cut-short body carries no message: acknowledging it would lose one, and with it
    // the order of its connection's frames.
    assertEquals(400, statusFor(""));
    assertEquals(400, statusFor("{\"message\":{\"data\":\"eyJz"));
    assertEquals(400, statusFor("{\"subscription\":\"s\"}"));
  }

  @Test
  void aPushWhoseMessageIsNotAnEnvelopeIsAcknowledgedAndDropped() throws Exception {
    String poison = Base64.getEncoder().encodeToString("not an envelope".getBytes(StandardCharsets.UTF_8));
    assertEquals(204, statusFor("{\"message\":{\"data\":\"" + poison + "\",\"messageId\":\"1\"},\"subscription\":\"s\"}"));
  }

  @Test
  void aPushLargerThanAnyEnvelopeIsAcknowledgedAndDropped() throws Exception {
    assertEquals(204, statusFor("x".repeat(RouterFunction.MAX_BODY_BYTES + 1)));
  }
}
