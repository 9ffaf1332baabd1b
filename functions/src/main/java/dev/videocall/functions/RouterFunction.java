package dev.videocall.functions;

import com.google.cloud.functions.HttpFunction;
import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import dev.videocall.contract.Envelope;
import dev.videocall.contract.WireCodec;
import dev.videocall.core.SignalingRouter;
import dev.videocall.contract.DeliverySink;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router as an HTTP function behind a Pub/Sub push subscription with message ordering (see
 * docs/architecture.md for why not an Eventarc trigger). Requests are handled concurrently (one
 * instance serves many at once); nothing here keeps per-request state outside the call. Answers:
 *
 * <ul>
 *   <li>204 when the envelope was handled and its deliveries published: Pub/Sub acknowledges it;
 *   <li>204 for a wake ({@link Envelope.Event#WAKE}) once {@link WarmUp} has run: the request that
 *       started this instance, if it was scaled to zero, was the point, and it connects the Firestore
 *       client the first join needs (one read of a document nobody writes; nothing written, nothing
 *       published). The answer waits for it: with request-based billing (terraform/functions.tf,
 *       {@code cpu_idle}) an instance has CPU only while a request is open, so work left for after
 *       the answer would crawl. A warm-up that fails is logged and the wake is still 204: the join
 *       connects as it always did, and a retried wake would not help it;
 *   <li>204 for a push whose message is not an envelope (poison), or is larger than any envelope:
 *       logged and dropped, since retrying cannot help and would hold back the connection's later
 *       messages;
 *   <li>400 for a request that is not a Pub/Sub push at all (empty, cut short, not JSON): no message
 *       was seen, so none may be acknowledged; Pub/Sub sends it again;
 *   <li>500 when presence or egress failed: Pub/Sub redelivers with backoff, then dead-letters.
 * </ul>
 */
public final class RouterFunction implements HttpFunction {
  private static final Logger log = LoggerFactory.getLogger(RouterFunction.class);
  /**
   * An envelope packs at most 96 Ki characters of frames (PubSubIngress); JSON escaping can double
   * that, base64 and the push wrapper add a third more.
   */
  static final int MAX_BODY_BYTES = 512 * 1024;

  private final SignalingRouter router;
  private final DeliverySink egress;
  private final WarmUp warmUp;

  /**
   * Called by the Functions Framework, which creates the function when the instance starts, before
   * its first request: the egress publisher is built here, so a wake finds it built. Its channel
   * connects on the first publish, which a wake does not make (anything on the egress topic is a
   * delivery to some gateway).
   */
  public RouterFunction() {
    this(CloudWiring.router(), CloudWiring.egress(), CloudWiring.warmUp());
  }

  /** For tests: any router and egress, and a wake that makes nothing ready. */
  public RouterFunction(SignalingRouter router, DeliverySink egress) {
    this(router, egress, WarmUp.NONE);
  }

  /** For tests: any router, egress and warm-up. All must be safe for concurrent requests. */
  public RouterFunction(SignalingRouter router, DeliverySink egress, WarmUp warmUp) {
    this.router = router;
    this.egress = egress;
    this.warmUp = warmUp;
  }

  @Override
  public void service(HttpRequest request, HttpResponse response) throws IOException {
    String body;
    try (InputStream in = request.getInputStream()) {
      body = new String(in.readNBytes(MAX_BODY_BYTES + 1), StandardCharsets.UTF_8);
    }
    if (body.length() > MAX_BODY_BYTES) {
      log.atWarn().addKeyValue("bytes", body.length()).log("dropped a push over the size any envelope has");
      response.setStatusCode(204);
      return;
    }
    Optional<String> data = PushRequest.data(body);
    if (data.isEmpty()) {
      log.atWarn().addKeyValue("bytes", body.length()).log("refused a request that is not a Pub/Sub push");
      response.setStatusCode(400);
      return;
    }
    Optional<Envelope> envelope = decode(data.get());
    if (envelope.isEmpty()) {
      log.atWarn().addKeyValue("bytes", body.length()).log("dropped a push whose message is not an envelope");
      response.setStatusCode(204);
      return;
    }
    if (envelope.get().event() == Envelope.Event.WAKE) {
      wake(envelope.get().gatewayId());
      response.setStatusCode(204);
      return;
    }
    try {
      egress.deliver(router.handle(envelope.get()));
      response.setStatusCode(204);
    } catch (RuntimeException e) {
      log.atError()
          .setCause(e)
          .addKeyValue("connectionId", envelope.get().connectionId())
          .addKeyValue("seq", envelope.get().seq())
          .log("envelope failed; Pub/Sub will retry it");
      response.setStatusCode(500);
    }
  }

  /** Makes the join's clients ready; never throws (the wake is acknowledged whatever happens). */
  private void wake(String gatewayId) {
    long started = System.nanoTime();
    try {
      warmUp.run();
      log.atInfo().addKeyValue("gatewayId", gatewayId).addKeyValue("warmUpMillis", (System.nanoTime() - started) / 1_000_000)
          .log("woken");
    } catch (RuntimeException e) {
      log.atWarn().addKeyValue("gatewayId", gatewayId).addKeyValue("reason", String.valueOf(e.getMessage()))
          .log("woken; warming up failed, the first join will connect instead");
    }
  }

  private static Optional<Envelope> decode(String data) {
    try {
      return Optional.of(WireCodec.decodeEnvelope(data));
    } catch (WireCodec.MalformedWireMessageException e) {
      return Optional.empty();
    }
  }
}
