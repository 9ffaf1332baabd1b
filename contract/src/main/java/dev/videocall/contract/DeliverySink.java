package dev.videocall.contract;

/**
 * The egress port: where the signaling core hands what a gateway must send. In-memory it calls the
 * gateway directly; on Google Cloud it publishes to the egress topic for the target's instance.
 */
@FunctionalInterface
public interface DeliverySink {
  /** Sends one delivery; deliveries to one connection must keep the order of the calls. */
  void deliver(Delivery delivery);
}
