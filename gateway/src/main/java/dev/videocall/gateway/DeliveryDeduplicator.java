package dev.videocall.gateway;

import dev.videocall.contract.Delivery;

/**
 * Drops deliveries a connection has already had (Pub/Sub delivers at least once). Deliveries from
 * one origin connection arrive in order (one ordering key per target), so remembering the last
 * (seq, part) per origin is enough. A connection hears from itself, its peer's connection, and
 * now and then a sweeper or the peer's next connection, so the three origins heard from most
 * recently are remembered, in fields rather than a map: every connection holds one of these.
 */
final class DeliveryDeduplicator {
  /** Where one origin's deliveries have got to. */
  private static final class Position {
    String origin;
    long seq;
    int part;
  }

  /** Most recently heard first; null until that many origins have been heard. */
  private Position first;
  private Position second;
  private Position third;

  /** True the first time a delivery is seen; false for a repeat or anything older. */
  synchronized boolean firstTime(Delivery d) {
    String origin = d.originConnectionId();
    Position p = latest(origin);
    if (p != null && (d.originSeq() < p.seq || (d.originSeq() == p.seq && d.part() <= p.part))) {
      return false;
    }
    if (p == null) {
      p = third != null ? third : new Position();
      third = second;
      second = first;
      first = p;
      p.origin = origin;
    }
    p.seq = d.originSeq();
    p.part = d.part();
    return true;
  }

  /** This origin's position, moved to the front; null if it is not among the remembered. */
  private Position latest(String origin) {
    if (first != null && first.origin.equals(origin)) {
      return first;
    }
    Position p;
    if (second != null && second.origin.equals(origin)) {
      p = second;
      second = first;
    } else if (third != null && third.origin.equals(origin)) {
      p = third;
      third = second;
      second = first;
    } else {
      return null;
    }
    first = p;
    return p;
  }
}
