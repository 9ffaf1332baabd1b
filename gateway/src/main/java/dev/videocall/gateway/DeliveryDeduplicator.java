package dev.videocall.gateway;

import dev.videocall.contract.Delivery;
import java.util.HashMap;
import java.util.Map;

/**
 * Drops deliveries a connection has already had. Deliveries from one origin connection arrive in
 * order (one ordering key per target), so remembering the last (seq, part) per origin is enough.
 */
final class DeliveryDeduplicator {
  private record Position(long seq, int part) {}

  private final Map<String, Position> lastByOrigin = new HashMap<>(4);

  /** True the first time a delivery is seen; false for a repeat or anything older. */
  synchronized boolean firstTime(Delivery d) {
    Position last = lastByOrigin.get(d.originConnectionId());
    if (last != null && (d.originSeq() < last.seq() || (d.originSeq() == last.seq() && d.part() <= last.part()))) {
      return false;
    }
    if (lastByOrigin.size() > 64) {
      lastByOrigin.clear(); // a connection hears from itself and a few peers; this only guards memory
    }
    lastByOrigin.put(d.originConnectionId(), new Position(d.originSeq(), d.part()));
    return true;
  }
}
