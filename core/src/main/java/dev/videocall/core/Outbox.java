package dev.videocall.core;

import dev.videocall.contract.ConnectionRef;
import dev.videocall.contract.Delivery;
import dev.videocall.contract.Envelope;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects the deliveries caused by one envelope, numbering them so a gateway can drop the copies a
 * retried or redelivered envelope produces again.
 */
final class Outbox {
  private final Envelope origin;
  private final List<Delivery> deliveries = new ArrayList<>(2);

  Outbox(Envelope origin) {
    this.origin = origin;
  }

  void send(ConnectionRef target, String frame) {
    deliveries.add(Delivery.frame(target, frame, origin.connectionId(), origin.seq(), deliveries.size()));
  }

  void sendAndClose(ConnectionRef target, String frame, int closeCode, String reason) {
    deliveries.add(
        Delivery.close(target, frame, closeCode, reason, origin.connectionId(), origin.seq(), deliveries.size()));
  }

  /** What to deliver, in order. */
  List<Delivery> deliveries() {
    return List.copyOf(deliveries);
  }
}
