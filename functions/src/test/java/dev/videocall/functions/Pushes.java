package dev.videocall.functions;

import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import dev.videocall.contract.Envelope;
import dev.videocall.contract.WireCodec;
import java.io.ByteArrayInputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.IntConsumer;

/** Envelopes posted to the router function as the router-push subscription posts them. */
public final class Pushes {
  private Pushes() {}

  /** Posts one envelope; returns the status the function answered (also given to {@code onAnswer}). */
  public static int push(RouterFunction function, Envelope envelope, IntConsumer onAnswer) throws Exception {
    String data = Base64.getEncoder().encodeToString(WireCodec.encode(envelope).getBytes(StandardCharsets.UTF_8));
    return post(function, "{\"message\":{\"data\":\"" + data + "\",\"messageId\":\"1\"},\"subscription\":\"router-push\"}", onAnswer);
  }

  /**
   * Posts any body; returns the status the function answered (also given to {@code onAnswer}). The
   * request has only a body and the response only a status: the function may ask for nothing else.
   */
  public static int post(RouterFunction function, String body, IntConsumer onAnswer) throws Exception {
    HttpRequest request = (HttpRequest) Proxy.newProxyInstance(Pushes.class.getClassLoader(), new Class<?>[] {HttpRequest.class},
        (proxy, method, args) -> switch (method.getName()) {
          case "getInputStream" -> new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8));
          default -> throw new UnsupportedOperationException(method.getName());
        });
    int[] status = {0};
    HttpResponse response = (HttpResponse) Proxy.newProxyInstance(Pushes.class.getClassLoader(), new Class<?>[] {HttpResponse.class},
        (proxy, method, args) -> {
          if (method.getName().equals("setStatusCode")) {
            status[0] = (Integer) args[0];
            onAnswer.accept(status[0]);
            return null;
          }
          throw new UnsupportedOperationException(method.getName());
        });
    function.service(request, response);
    return status[0];
  }
}
