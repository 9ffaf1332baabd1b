package dev.videocall.core;

import dev.videocall.contract.ConnectionRef;
import dev.videocall.contract.Delivery;
import dev.videocall.contract.DeliverySink;
import dev.videocall.contract.Envelope;

/**
 * Sends the deliveries caused by one envelope, numbering them so a gateway can drop the copies a
 * retried or redelivered envelope produces again.
 */
final class Outbox {
  private final DeliverySink egress;
  private final Envelope origin;
  private int part;

  Outbox(DeliverySink egress, Envelope origin) {
    this.egress = egress;
    this.origin = origin;
  }

  void send(ConnectionRef target, String frame) {
    egress.deliver(Delivery.frame(target, frame, origin.connectionId(), origin.seq(), part++));
  }

  void sendAndClose(ConnectionRef target, String frame, int closeCode, String reason) {
    egress.deliver(
        Delivery.close(target, frame, closeCode, reason, origin.connectionId(), origin.seq(), part++));
  }
}
