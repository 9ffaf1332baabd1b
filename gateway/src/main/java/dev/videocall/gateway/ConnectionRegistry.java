package dev.videocall.gateway;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The instance's sockets: its open connections by id, and how many sockets are open only to be told
 * why their link cannot join ({@link RefusedConnection}). One per gateway; no static state.
 */
final class ConnectionRegistry {
  private final ConcurrentHashMap<String, GatewayConnection> connections = new ConcurrentHashMap<>();
  private final AtomicInteger refused = new AtomicInteger();

  void add(GatewayConnection c) {
    connections.put(c.id(), c);
  }

  /** Removes the connection; true if it was registered (so its close is forwarded exactly once). */
  boolean remove(GatewayConnection c) {
    return connections.remove(c.id(), c);
  }

  GatewayConnection get(String connectionId) {
    return connections.get(connectionId);
  }

  /** Open connections, those in their close grace included (they stay until the socket ends). */
  int size() {
    return connections.size();
  }

  void refusedOpened() {
    refused.incrementAndGet();
  }

  void refusedEnded() {
    refused.decrementAndGet();
  }

  /** Every socket the instance holds, refused ones included: what {@code MAX_CONNECTIONS} bounds. */
  int sockets() {
    return connections.size() + refused.get();
  }

  List<GatewayConnection> snapshot() {
    return List.copyOf(connections.values());
  }
}
