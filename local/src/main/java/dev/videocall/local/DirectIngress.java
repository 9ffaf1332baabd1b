package dev.videocall.local;

import dev.videocall.contract.DeliverySink;
import dev.videocall.contract.Envelope;
import dev.videocall.contract.EnvelopeSink;
import dev.videocall.core.SignalingRouter;

/**
 * The gateway's ingress in one JVM: each envelope goes to the router on the socket's thread, and the
 * deliveries it causes go straight back to the gateway. The gateway is built with its ingress, so
 * this is built first and told where to deliver ({@link #deliverTo}) before the gateway opens its
 * port.
 */
final class DirectIngress implements EnvelopeSink {
  private final SignalingRouter router;
  private volatile DeliverySink egress;

  DirectIngress(SignalingRouter router) {
    this.router = router;
  }

  /** Once, before any envelope arrives: where the router's deliveries go. */
  void deliverTo(DeliverySink egress) {
    if (this.egress != null) {
      throw new IllegalStateException("the ingress already has somewhere to deliver");
    }
    this.egress = egress;
  }

  @Override
  public void accept(Envelope envelope) {
    DeliverySink out = egress;
    if (out == null) {
      throw new IllegalStateException("an envelope arrived before the ingress was told where to deliver");
    }
    out.deliver(router.handle(envelope));
  }
}
