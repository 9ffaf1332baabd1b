package dev.videocall.contract;

/**
 * The ingress port: where a gateway hands every WebSocket event. In-memory it calls the core
 * directly; on Google Cloud it publishes to the ingress topic.
 */
@FunctionalInterface
public interface EnvelopeSink {
  /**
   * Accepts one envelope. Calls for one connection come in {@link Envelope#seq()} order and the sink
   * must keep that order. Throws if the envelope could not be handed on.
   */
  void accept(Envelope envelope);
}
