package dev.videocall.contract;

import java.util.List;

/**
 * The egress port: where the deliveries the signaling core produced for one envelope go. In one JVM
 * it is the gateway itself; on Google Cloud a publisher to the egress topic. Flushing is part of the
 * call: it returns only once every delivery is handed on, so the caller can acknowledge the envelope
 * that caused them, and it throws if any could not be, so the caller can have that envelope retried.
 */
@FunctionalInterface
public interface DeliverySink {
  /** Hands on {@code deliveries} in order; deliveries to one connection keep the order of the calls. */
  void deliver(List<Delivery> deliveries);
}
