package dev.videocall.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import java.io.ByteArrayInputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** How the router answers pushes that never reach the core (the core is absent here, and never asked). */
class RouterFunctionTest {
  private final RouterFunction router = new RouterFunction(null, deliveries -> {
    throw new AssertionError("nothing may be delivered");
  });

  private int statusFor(String body) throws Exception {
    AtomicInteger status = new AtomicInteger();
    HttpRequest request = (HttpRequest) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {HttpRequest.class},
        (proxy, method, args) -> switch (method.getName()) {
          case "getInputStream" -> new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8));
          default -> throw new UnsupportedOperationException(method.getName());
        });
    HttpResponse response = (HttpResponse) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {HttpResponse.class},
        (proxy, method, args) -> {
          if (method.getName().equals("setStatusCode")) {
            status.set((Integer) args[0]);
            return null;
          }
          throw new UnsupportedOperationException(method.getName());
        });
    router.service(request, response);
    return status.get();
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
