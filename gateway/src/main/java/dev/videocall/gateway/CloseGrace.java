package dev.videocall.gateway;

import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.websocket.core.CoreSession;

/**
 * After the server has sent its close frame, the client has {@link GatewayConfig#CLOSE_GRACE} to
 * answer it; a client that has not (a flooder ignoring its close) loses the TCP connection. Jetty
 * itself would wait for the answer until the idle timeout, which a client that keeps sending never
 * reaches.
 */
final class CloseGrace {
  private static final Runnable NOTHING = () -> { };

  private CloseGrace() {}

  /**
   * Drops the session's connection after the grace unless {@code closed} says it has ended by then.
   * (Not the session's own state: Jetty counts a session closed as soon as a close with an error code
   * is queued, though the frame may wait behind what an unread client has not taken.) Returns what
   * cancels the timer, for a connection that ends in time: a pending timer holds the whole session.
   */
  static Runnable start(ScheduledExecutorService timers, CoreSession session, BooleanSupplier closed) {
    try {
      Future<?> timer = timers.schedule(() -> {
        if (!closed.getAsBoolean()) {
          session.abort();
        }
      }, GatewayConfig.CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
      return () -> timer.cancel(false);
    } catch (RejectedExecutionException stopping) {
      // The gateway is stopping; stopping the server disconnects whatever is left.
      return NOTHING;
    }
  }
}
