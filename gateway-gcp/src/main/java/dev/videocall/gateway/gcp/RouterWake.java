package dev.videocall.gateway.gcp;

import dev.videocall.contract.Envelope;
import dev.videocall.contract.EnvelopeSink;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes the router before a join needs it. After a quiet spell the router has scaled to zero, and its
 * start (a JVM, the Functions Framework, the Firestore and Pub/Sub clients: seconds) would follow the
 * first person's open. So when the call page is served, or a socket opens while this instance is
 * still starting, this sends the router a {@link Envelope.Event#WAKE}, which it answers at once: its
 * start then overlaps the page's load and the camera prompt. One wake per quiet spell: none if this
 * instance sent the router anything (an envelope or a wake) within the configured idle time, since
 * then its instance is most likely warm. Each wake costs one publish, one push and one short
 * invocation (docs/deploy.md, "What a call costs").
 *
 * <p>It sits in front of the ingress, so it sees what is sent there (the idle clock). Built before the
 * ingress exists (the page is served before the clouds are ready): a wake asked for meanwhile is sent
 * by {@link #sendThrough} as soon as the ingress is there.
 */
final class RouterWake implements EnvelopeSink {
  private static final Logger log = LoggerFactory.getLogger(RouterWake.class);

  private final String gatewayId;
  private final long idleNanos;
  private final LongSupplier nanoTime;
  private volatile EnvelopeSink ingress;
  /** A wake asked for before the ingress was there; guarded by this. */
  private boolean pending;
  /** When this instance last sent the router anything; "long ago" at start. */
  private volatile long lastSent;

  RouterWake(String gatewayId, Duration idle, LongSupplier nanoTime) {
    this.gatewayId = gatewayId;
    this.idleNanos = idle.toNanos();
    this.nanoTime = nanoTime;
    this.lastSent = nanoTime.getAsLong() - idleNanos;
  }

  /** Someone is about to join: wakes the router unless it heard from this instance lately. Never blocks. */
  void wake() {
    EnvelopeSink sink;
    synchronized (this) {
      long now = nanoTime.getAsLong();
      if (pending || now - lastSent < idleNanos) {
        return;
      }
      lastSent = now;
      if (ingress == null) {
        pending = true;
        return;
      }
      sink = ingress;
    }
    send(sink);
  }

  /** The ingress is there: from now on envelopes go through it, and a wake that waited goes now. */
  void sendThrough(EnvelopeSink sink) {
    boolean wasPending;
    synchronized (this) {
      ingress = sink;
      wasPending = pending;
      pending = false;
    }
    if (wasPending) {
      send(sink);
    }
  }

  /** Every envelope, on its way to the ingress: no lock, this is every frame's path. */
  @Override
  public void accept(Envelope envelope) {
    lastSent = nanoTime.getAsLong();
    ingress.accept(envelope);
  }

  private void send(EnvelopeSink sink) {
    log.atInfo().addKeyValue("gatewayId", gatewayId).log("waking the router");
    // A wake that fails to publish is only a wake missed: the open that follows starts the router.
    try {
      sink.accept(Envelope.wake(gatewayId));
    } catch (RuntimeException e) {
      log.atWarn().addKeyValue("gatewayId", gatewayId).addKeyValue("error", e.toString()).log("could not wake the router");
    }
  }
}
