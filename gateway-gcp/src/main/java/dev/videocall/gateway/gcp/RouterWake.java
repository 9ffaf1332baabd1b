package dev.videocall.gateway.gcp;

import dev.videocall.contract.Envelope;
import dev.videocall.contract.EnvelopeSink;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes the router before a join needs it. After a quiet spell the router has scaled to zero, and its
 * start (a JVM, the Functions Framework, the Firestore and Pub/Sub clients: seconds) would follow the
 * first person's open. So when this instance starts (with no minimum instances, an instance starts
 * because someone opened a link), when the call page is served, or when a socket opens while it is
 * still starting, this sends the router a {@link Envelope.Event#WAKE}, which it answers once its
 * Firestore client is connected: its start then overlaps the gateway's own, the page's load and the camera prompt. One wake per quiet
 * spell: none if this instance sent the router anything (an envelope or a wake) within the configured
 * idle time, since then its instance is most likely warm. Each wake costs one publish, one push, one
 * short invocation and one Firestore read (docs/deploy.md, "The first call after a quiet day").
 *
 * <p>It sits in front of the ingress, so it sees what is sent there (the idle clock). Built before the
 * ingress exists (the page is served before the clouds are ready): a wake asked for meanwhile is sent
 * by {@link #sendThrough} as soon as the ingress is there, which tells when the topic has it.
 */
final class RouterWake implements EnvelopeSink {
  private static final Logger log = LoggerFactory.getLogger(RouterWake.class);

  private final String gatewayId;
  private final long idleNanos;
  private final LongSupplier nanoTime;
  private volatile EnvelopeSink ingress;
  /** Publishes a wake and tells when the topic has it; set with the ingress. */
  private volatile Function<Envelope, CompletableFuture<?>> publishWake;
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
    Function<Envelope, CompletableFuture<?>> sink;
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
      sink = publishWake;
    }
    send(sink);
  }

  /**
   * The ingress is there: from now on envelopes go through it and wakes through {@code publishWake},
   * and a wake that waited goes now.
   *
   * @return completes when the wake that waited is published (or failed, or at once if none waited):
   *     the starting gateway gives it a head start over its other clients
   */
  CompletableFuture<?> sendThrough(EnvelopeSink sink, Function<Envelope, CompletableFuture<?>> publishWake) {
    boolean wasPending;
    synchronized (this) {
      ingress = sink;
      this.publishWake = publishWake;
      wasPending = pending;
      pending = false;
    }
    return wasPending ? send(publishWake) : CompletableFuture.completedFuture(null);
  }

  /** Every envelope, on its way to the ingress: no lock, this is every frame's path. */
  @Override
  public void accept(Envelope envelope) {
    lastSent = nanoTime.getAsLong();
    ingress.accept(envelope);
  }

  /** Never throws: a wake that fails to publish is only a wake missed (the open that follows starts the router). */
  private CompletableFuture<?> send(Function<Envelope, CompletableFuture<?>> publish) {
    log.atInfo().addKeyValue("gatewayId", gatewayId).log("waking the router");
    long started = nanoTime.getAsLong();
    CompletableFuture<?> sent;
    try {
      sent = publish.apply(Envelope.wake(gatewayId));
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    return sent.whenComplete((id, failure) -> {
      if (failure == null) {
        log.atInfo().addKeyValue("gatewayId", gatewayId)
            .addKeyValue("millis", (nanoTime.getAsLong() - started) / 1_000_000).log("router wake published");
      } else {
        log.atWarn().addKeyValue("gatewayId", gatewayId).addKeyValue("error", failure.toString()).log("could not wake the router");
      }
    });
  }
}
