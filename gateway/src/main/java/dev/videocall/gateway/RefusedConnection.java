package dev.videocall.gateway;

import dev.videocall.contract.invite.InviteLinks;
import dev.videocall.contract.protocol.ErrorCode;
import dev.videocall.contract.protocol.ServerFrames;
import java.util.concurrent.ScheduledExecutorService;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.OpCode;

/**
 * A WebSocket opened only to be told why it cannot join: the documented error frame, then the close
 * code (a browser cannot read an HTTP status of a refused upgrade, so the page could not explain it).
 *
 * <p>It reads nothing the client sends, and the TCP connection ends as soon as the close frame is
 * written, as Jetty ends it after a close with an error code (RFC 6455, 7.1.7): the browser has the
 * code from the frame, and whatever the client sends stays unread in the kernel rather than in
 * Jetty's buffers (a forged link sending an unfinished 64 KiB frame held one each). A close frame
 * that cannot be written (a client that does not read) loses the connection after the close grace.
 * While it lasts the socket counts against {@code MAX_CONNECTIONS}.
 */
final class RefusedConnection implements FrameHandler {
  private final InviteLinks.Refused refused;
  private final ConnectionRegistry registry;
  private final ScheduledExecutorService timers;
  private volatile boolean closed;
  private volatile Runnable cancelGrace;

  RefusedConnection(InviteLinks.Refused refused, ConnectionRegistry registry, ScheduledExecutorService timers) {
    this.refused = refused;
    this.registry = registry;
    this.timers = timers;
  }

  @Override
  public void onOpen(CoreSession session, Callback callback) {
    // Counted from here: Jetty reports onClosed for every session it opened, so the count comes back.
    registry.refusedOpened();
    ErrorCode code = refused.code();
    int close = code.closeCode().orElseThrow(() -> new IllegalStateException(code + " does not close")).code();
    // The grace first: the socket may end inside close(), and its end cancels the grace.
    cancelGrace = CloseGrace.start(timers, session, () -> closed);
    session.sendFrame(new Frame(OpCode.TEXT, true, ServerFrames.error(code, refused.message())), Callback.NOOP, false);
    session.close(close, code.wireCode(), Callback.from(session::abort, failed -> session.abort()));
    callback.succeeded();
    // No demand: nothing more is read.
  }

  @Override
  public void onFrame(Frame frame, Callback callback) {
    // Not called: nothing is demanded.
    callback.succeeded();
  }

  @Override
  public void onError(Throwable cause, Callback callback) {
    callback.succeeded();
  }

  @Override
  public void onClosed(CloseStatus status, Callback callback) {
    // Nothing to forward: nothing was.
    if (!closed) {
      closed = true;
      registry.refusedEnded();
      Runnable cancel = cancelGrace;
      if (cancel != null) {
        cancel.run();
      }
    }
    callback.succeeded();
  }
}
