package dev.videocall.gateway;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * After the server has sent its close frame, the client has {@link GatewayConfig#CLOSE_GRACE} to
 * answer it; a client that has not (a flooder ignoring its close) loses the TCP connection.
 */
final class CloseGrace {
  private CloseGrace() {}

  /** Drops {@code socket} after the grace unless {@code closed} says the handshake finished. */
  static void start(ScheduledExecutorService timers, WebSocket socket, BooleanSupplier closed) {
    try {
      timers.schedule(() -> {
        if (!closed.getAsBoolean()) {
          socket.abort();
        }
      }, GatewayConfig.CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException stopping) {
      // The gateway is stopping; stopping the server disconnects whatever is left.
    }
  }
}
