package dev.videocall.gateway;

import java.util.function.BooleanSupplier;

/**
 * What the process around the gateway tells it, and wants to hear from it. The embedded default is
 * ready the moment its port opens; the cloud gateway opens its port first and starts its clouds
 * beside it, so its page is served at once (docs/deploy.md, "Started and ready").
 *
 * @param ready whether sockets are served at once; until then {@code /healthz} answers 200
 *     {@code starting} (the process serves, so Cloud Run's startup probe passes) instead of {@code ok}
 * @param callPageServed told on every {@code GET /video} before the page is written, on Jetty's
 *     thread: someone is about to join (the cloud gateway wakes its router). Must not block.
 */
public record HostSignals(BooleanSupplier ready, Runnable callPageServed) {
  /** Ready from the start, and deaf to page loads: the embedded default and the tests. */
  public static final HostSignals ALWAYS_READY = new HostSignals(() -> true, () -> { });
}
