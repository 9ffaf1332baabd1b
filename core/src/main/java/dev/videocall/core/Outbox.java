package dev.videocall.core;

import dev.videocall.contract.ConnectionRef;
import dev.videocall.contract.Delivery;
import dev.videocall.contract.Envelope;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects the deliveries caused by one envelope, numbering them so a gateway can drop the copies a
 * retried or redelivered envelope produces again.
 *
 * <p>Nearly every envelope causes one delivery (a relayed frame) or none, so the first is kept on
 * its own and a list is made only for a second: the relay makes one of these per message.
 */
final class Outbox {
  private final Envelope origin;
  private Delivery first;
  private List<Delivery> all;

  Outbox(Envelope origin) {
    this.origin = origin;
  }

  void send(ConnectionRef target, String frame) {
    add(Delivery.frame(target, frame, origin.connectionId(), origin.seq(), size()));
  }

  void sendAndClose(ConnectionRef target, String frame, int closeCode, String reason) {
    add(Delivery.close(target, frame, closeCode, reason, origin.connectionId(), origin.seq(), size()));
  }

  private int size() {
    return all != null ? all.size() : first != null ? 1 : 0;
  }

  private void add(Delivery d) {
    if (first == null) {
      first = d;
      return;
    }
    if (all == null) {
      all = new ArrayList<>(4);
      all.add(first);
    }
    all.add(d);
  }

  /** What to deliver, in order. */
  List<Delivery> deliveries() {
    if (all != null) {
      return List.copyOf(all);
    }
    return first == null ? List.of() : List.of(first);
  }
}
