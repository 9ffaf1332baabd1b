package dev.videocall.contract;

import java.util.Objects;

/** Where a WebSocket lives: the gateway instance and that instance's connection id. */
public record ConnectionRef(String gatewayId, String connectionId) {
  public ConnectionRef {
    Objects.requireNonNull(gatewayId, "gatewayId");
    Objects.requireNonNull(connectionId, "connectionId");
  }
}
