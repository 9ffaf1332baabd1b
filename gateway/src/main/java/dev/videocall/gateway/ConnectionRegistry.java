package dev.videocall.gateway;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/** The instance's open connections by id. One per gateway; no static state. */
final class ConnectionRegistry {
  private final ConcurrentHashMap<String, GatewayConnection> connections = new ConcurrentHashMap<>();

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

  int size() {
    return connections.size();
  }

  List<GatewayConnection> snapshot() {
    return List.copyOf(connections.values());
  }
}
