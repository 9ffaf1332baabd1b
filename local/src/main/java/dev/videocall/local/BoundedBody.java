package dev.videocall.local;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Reads a small request body without a thread while it arrives: Jetty calls back as its bytes come
 * ({@link Content.Source#asByteArrayAsync}), so a client that sends a byte now and then holds a
 * connection, not one of the server's few threads. It is also held to a size and a deadline, so such
 * a client cannot keep even the connection for long.
 */
final class BoundedBody {
  /** The body came to more than the size allowed. */
  static final class TooLarge extends Exception {
    TooLarge() {
      super("body too large", null, false, false);
    }
  }

  /** The body was not whole by the deadline. */
  static final class TooSlow extends Exception {
    TooSlow() {
      super("body too slow", null, false, false);
    }
  }

  private BoundedBody() {}

  /**
   * Reads the body as UTF-8 text. {@code then} is completed once, on a Jetty thread that must not
   * block: with the text; with {@link TooLarge} or {@link TooSlow}; or with what failed the
   * connection (the client went away).
   */
  static void read(Request request, int maxBytes, Duration deadline, Promise<String> then) {
    Scheduler.Task timer = request.getComponents().getScheduler().schedule(
        () -> request.fail(new TooSlow()), deadline.toMillis(), TimeUnit.MILLISECONDS);
    Content.Source.asByteArrayAsync(request, maxBytes, Promise.Invocable.from(Invocable.InvocationType.NON_BLOCKING,
        bytes -> {
          timer.cancel();
          then.succeeded(new String(bytes, StandardCharsets.UTF_8));
        },
        failure -> {
          timer.cancel();
          then.failed(failure instanceof TooSlow ? failure : Request.getContentBytesRead(request) > maxBytes ? new TooLarge() : failure);
        }));
  }
}
