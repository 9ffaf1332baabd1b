package dev.videocall.gateway;

import dev.videocall.contract.protocol.CloseCode;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EventListener;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.RetainableByteBuffer;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket after its upgrade (RFC 6455), on the endpoint Jetty accepted and upgraded: reads
 * frames ({@link ClientFrame}), answers pings, carries out the close handshake, and hands data
 * frames to its {@link SocketListener}; what is sent goes through its {@link Outbound}.
 *
 * <p>This replaces Jetty's own WebSocket layer, which kept about 2.5 KB of objects per idle socket
 * (sessions, flushers, parser, extension stack, locks and counters: docs/performance.md, round 6).
 * An idle socket here holds this object, its {@code Outbound} and no buffer: a read buffer is
 * borrowed from Jetty's pool for as long as it holds the start of a frame, and given back empty.
 */
final class WebSocket implements Connection, Connection.UpgradeTo, Callback {
  private static final Logger log = LoggerFactory.getLogger(WebSocket.class);
  /** Jetty's usual read size; a frame larger than this gets a buffer of its own size, up to the limit. */
  static final int READ_BUFFER_BYTES = 4096;
  private static final byte[] NO_PAYLOAD = {};
  /** Reads in a row before a busy socket goes back to the selector (see onFillable). */
  static final int READS_PER_TURN = 16;
  /** RFC 6455's code for a connection that ended without a close frame (reported, never sent). */
  static final int ABNORMAL = 1006;

  /**
   * What every socket of a gateway shares, kept once rather than per socket: its buffer pool, its
   * limits, and the timers that end a close handshake the client does not finish ({@link CloseGrace}).
   */
  record Limits(ByteBufferPool pool, int maxPayload, int maxQueuedFrames, long maxQueuedBytes, ScheduledExecutorService timers) {}

  private final EndPoint endPoint;
  private final Limits limits;
  private final SocketListener listener;
  private final Outbound outbound;
  /** Bytes read and not yet handled (the start of a frame); null whenever there are none. Reading thread only. */
  private RetainableByteBuffer input;
  /** A fragmented data message has begun and not ended. Reading thread only. */
  private boolean inMessage;
  /** Nothing more is read: the client's close arrived, or it broke the protocol. */
  private volatile boolean inputDone;
  private volatile PeerClose peerClose;
  /** This side's close frame has been written. */
  private volatile boolean closeWritten;
  /** Output shut after this side's close; what the client still sends is read and dropped. */
  private volatile boolean lingering;
  /** The connection has ended and the listener has been told. */
  private volatile boolean reported;
  /** Jetty's connection listeners, should anything add one (nothing of ours does); null while none has. */
  private List<Connection.Listener> listeners;
  /** When the client was last heard from ({@code System.nanoTime()}): see {@link #expireIfIdle}. */
  private volatile long lastHeard = System.nanoTime();

  WebSocket(EndPoint endPoint, Limits limits, SocketListener listener) {
    this.endPoint = endPoint;
    this.limits = limits;
    this.listener = listener;
    this.outbound = new Outbound(this, limits);
  }

  /** Sends a text frame; false when the client is not reading and the socket is closing with 1013 instead. */
  boolean send(CharSequence text) {
    return outbound.send(text);
  }

  /** Keeps proxies from cutting an idle socket; browsers answer pings by themselves. */
  void ping() {
    outbound.control(ClientFrame.PING, NO_PAYLOAD);
  }

  /** Starts the close handshake after what is queued; the first close wins. */
  void close(int code, String reason) {
    outbound.close(code, reason);
  }

  /** Drops the TCP connection now (a client that did not finish the close handshake in time). */
  void abort() {
    endPoint.close();
  }

  long queuedBytes() {
    return outbound.queuedBytes();
  }

  ByteBufferPool pool() {
    return limits.pool();
  }

  void write(ByteBuffer bytes, Callback done) {
    endPoint.write(done, bytes);
  }

  /**
   * Bytes the client sent after its upgrade request and that Jetty read with it: they are the start
   * of the first frames, handled when the socket opens.
   */
  @Override
  public void onUpgradeTo(ByteBuffer buffer) {
    if (BufferUtil.hasContent(buffer)) {
      input = limits.pool().acquire(Math.max(READ_BUFFER_BYTES, buffer.remaining()), false);
      BufferUtil.append(input.getByteBuffer(), buffer);
    }
  }

  @Override
  public void onOpen() {
    notifyListeners(true);
    // Jetty's idle timeout keeps a scheduled task per socket; the gateway's sweep calls
    // expireIfIdle instead, which costs one field.
    endPoint.setIdleTimeout(0);
    lastHeard = System.nanoTime();
    try {
      listener.opened(this);
    } catch (RuntimeException bug) {
      log.atError().setCause(bug).log("socket open failed; closing it");
      releaseInput();
      inputDone = true;
      close(CloseCode.SERVER_ERROR.code(), "internal error");
      if (closeWritten) {
        finish();
      }
      return;
    }
    if (input != null) {
      onFillable();
    } else {
      fillInterested();
    }
  }

  /** Asks Jetty to call {@link #succeeded} once the socket has bytes to read. */
  private void fillInterested() {
    endPoint.fillInterested(this);
  }

  /** Jetty's fill-interest callback: the socket has bytes to read. */
  @Override
  public void succeeded() {
    onFillable();
  }

  /** The connection ended while waiting to read: what it held of a frame goes back to the pool. */
  @Override
  public void failed(Throwable cause) {
    releaseInput();
    endPoint.close(cause);
  }

  /**
   * Reads and handles whole frames until the socket has nothing more to read for now, or has had
   * {@link #READS_PER_TURN} reads: then it waits its turn again, so that a client that never stops
   * sending cannot keep a thread to itself.
   */
  private void onFillable() {
    if (lingering) {
      drain();
      return;
    }
    try {
      for (int reads = 0; handleWholeFrames(); reads++) {
        if (reads == READS_PER_TURN) {
          releaseInputIfEmpty();
          fillInterested();
          return;
        }
        RetainableByteBuffer buffer = roomToRead();
        int read = endPoint.fill(buffer.getByteBuffer());
        if (read == 0) {
          releaseInputIfEmpty();
          fillInterested();
          return;
        }
        lastHeard = System.nanoTime();
        if (read < 0) {
          // The client went away without a close frame (1006) or after its close and our answer.
          releaseInput();
          inputDone = true;
          endPoint.close();
          return;
        }
      }
    } catch (Refusal refusal) {
      refuse(refusal);
    } catch (RuntimeException bug) {
      // Ours, not the client's: it is told 1011 and the connection ends once that is written.
      releaseInput();
      inputDone = true;
      log.atError().setCause(bug).log("handling a frame failed; closing the socket");
      close(CloseCode.SERVER_ERROR.code(), "internal error");
      if (closeWritten) {
        finish();
      }
    } catch (Throwable failure) {
      releaseInput();
      inputDone = true;
      log.atInfo().addKeyValue("error", String.valueOf(failure.getMessage())).log("websocket read failed");
      endPoint.close(failure);
    }
  }

  /** Handles each whole frame read so far; false once nothing more is to be read. */
  private boolean handleWholeFrames() throws Refusal {
    if (inputDone) {
      releaseInput();
      return false;
    }
    if (input == null) {
      return true;
    }
    ByteBuffer bytes = input.getByteBuffer();
    byte[] array = bytes.array();
    int base = bytes.arrayOffset();
    while (bytes.hasRemaining()) {
      int at = base + bytes.position();
      ClientFrame frame = ClientFrame.read(array, at, bytes.remaining(), limits.maxPayload());
      if (frame == null || frame.length() > bytes.remaining()) {
        break;
      }
      frame.unmask(array, at);
      bytes.position(bytes.position() + frame.length());
      if (!handle(frame, array, at + frame.headerLength())) {
        releaseInput();
        return false;
      }
    }
    return true;
  }

  /** One whole frame; false once nothing more is to be read (the client's close). */
  private boolean handle(ClientFrame frame, byte[] array, int payload) throws Refusal {
    int length = frame.payloadLength();
    switch (frame.opcode()) {
      case ClientFrame.PING -> {
        if (listener.controlFrame()) {
          outbound.control(ClientFrame.PONG, java.util.Arrays.copyOfRange(array, payload, payload + length));
        }
      }
      case ClientFrame.PONG -> listener.controlFrame();
      case ClientFrame.CLOSE -> {
        peerClose = PeerClose.parse(array, payload, length);
        inputDone = true;
        answerClose();
        return false;
      }
      default -> {
        if ((frame.opcode() == ClientFrame.CONTINUATION) != inMessage) {
          throw new Refusal(CloseCode.PROTOCOL_ERROR,
              inMessage ? "a new message before the last one ended" : "a continuation with no message begun");
        }
        inMessage = !frame.fin();
        listener.data(frame.opcode(), array, payload, length, frame.fin());
      }
    }
    return true;
  }

  /** The client's close: answered with its own code unless this side has already sent one. */
  private void answerClose() {
    if (closeWritten) {
      finish();
      return;
    }
    close(peerClose.code(), "");
    // If this side's close was queued first, its write ends the connection (closeWritten).
  }

  /** Called by {@link Outbound} once the close frame is written: the connection ends when both sides are done. */
  void closeWritten() {
    closeWritten = true;
    if (inputDone) {
      finish();
    }
  }

  /** Called by {@link Outbound} when a close is queued, by whoever: the client has the close grace to finish the handshake. */
  void closeQueued() {
    CloseGrace.start(limits.timers(), this, () -> reported);
  }

  /**
   * Ends the connection once this side's close is written and nothing more is to be read. After the
   * client's close nothing more comes, so it ends at once. When reading stopped without it (a
   * refusal, the idle timeout, a bug of ours), the client may still be sending, and closing a socket
   * with unread bytes has the kernel answer with a reset, which can destroy the close frame on its
   * way (a browser would then see 1006, not the code). So the output is shut, which sends the close
   * frame whole and then FIN, and what still comes is read and dropped until the client closes too,
   * or the close grace ends it.
   */
  private void finish() {
    if (peerClose != null) {
      endPoint.close();
      return;
    }
    lingering = true;
    endPoint.shutdownOutput();
    endPoint.tryFillInterested(this);
  }

  /** Reads and drops what the client still sends after this side has closed, until it closes too. */
  private void drain() {
    try {
      for (int reads = 0; reads < READS_PER_TURN; reads++) {
        if (input == null) {
          input = limits.pool().acquire(READ_BUFFER_BYTES, false);
        }
        ByteBuffer bytes = input.getByteBuffer();
        BufferUtil.clear(bytes);
        int read = endPoint.fill(bytes);
        if (read < 0) {
          releaseInput();
          endPoint.close();
          return;
        }
        if (read == 0) {
          break;
        }
      }
      releaseInput();
      endPoint.tryFillInterested(this);
    } catch (Throwable failure) {
      releaseInput();
      endPoint.close(failure);
    }
  }

  /** The client broke the protocol or a limit: reading stops, the close goes out, then the connection ends. */
  private void refuse(Refusal refusal) {
    releaseInput();
    inputDone = true;
    try {
      listener.refused(refusal);
    } finally {
      close(refusal.code().code(), refusal.getMessage());
      if (closeWritten) {
        finish();
      }
    }
  }

  /**
   * For the gateway's sweep: true, once, when the client has sent nothing for {@code idleNanos}
   * (not even a pong to the pings). Reading stops; the caller closes with 1001, and the connection
   * ends when that is written, or after the close grace.
   */
  boolean expireIfIdle(long nowNanos, long idleNanos) {
    if (inputDone || nowNanos - lastHeard < idleNanos) {
      return false;
    }
    inputDone = true;
    return true;
  }

  @Override
  public void onClose(Throwable cause) {
    notifyListeners(false);
    synchronized (this) {
      if (reported) {
        return;
      }
      reported = true;
    }
    PeerClose peer = peerClose;
    int code = peer != null ? peer.code() : closeWritten ? outbound.closeCode() : ABNORMAL;
    String reason = peer != null ? peer.reason() : cause == null ? "" : String.valueOf(cause.getMessage());
    listener.closed(code, reason);
  }

  /** The read buffer with room for the frame it holds the start of. */
  private RetainableByteBuffer roomToRead() {
    if (input == null) {
      input = limits.pool().acquire(READ_BUFFER_BYTES, false);
      return input;
    }
    ByteBuffer bytes = input.getByteBuffer();
    BufferUtil.compact(bytes);
    // Grown only when full, and at most twice as large each time: a header that announces 64 KiB
    // does not make the server hold 64 KiB until the bytes are there.
    if (bytes.remaining() == bytes.capacity()) {
      int needed = frameLengthHeld(bytes);
      RetainableByteBuffer larger = limits.pool().acquire(Math.min(needed, 2 * bytes.capacity()), false);
      BufferUtil.append(larger.getByteBuffer(), bytes);
      input.release();
      input = larger;
    }
    return input;
  }

  /** The whole length of the frame whose start the buffer holds, or its capacity if the header is not all there. */
  private int frameLengthHeld(ByteBuffer bytes) {
    try {
      ClientFrame frame = ClientFrame.read(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining(), limits.maxPayload());
      return frame == null ? bytes.capacity() : frame.length();
    } catch (Refusal checkedAlready) {
      return bytes.capacity(); // handleWholeFrames has refused it before this runs
    }
  }

  private void releaseInputIfEmpty() {
    if (input != null && !input.getByteBuffer().hasRemaining()) {
      releaseInput();
    }
  }

  private void releaseInput() {
    if (input != null) {
      input.release();
      input = null;
    }
  }

  @Override
  public EndPoint getEndPoint() {
    return endPoint;
  }

  @Override
  public void close() {
    endPoint.close();
  }

  /** Not called while the socket is ours: Jetty's idle timeout is off for it (see {@link #expireIfIdle}). */
  @Override
  public boolean onIdleExpired(java.util.concurrent.TimeoutException timeout) {
    return true;
  }

  @Override
  public synchronized void addEventListener(EventListener listener) {
    if (listener instanceof Connection.Listener l) {
      if (listeners == null) {
        listeners = new ArrayList<>(1);
      }
      listeners.add(l);
    }
  }

  @Override
  public synchronized void removeEventListener(EventListener listener) {
    if (listeners != null) {
      listeners.remove(listener);
    }
  }

  private void notifyListeners(boolean opened) {
    List<Connection.Listener> toNotify;
    synchronized (this) {
      toNotify = listeners == null ? List.of() : List.copyOf(listeners);
    }
    for (Connection.Listener l : toNotify) {
      if (opened) {
        l.onOpened(this);
      } else {
        l.onClosed(this);
      }
    }
  }

  /** Not counted (as Jetty's own connections that keep no statistics report). */
  @Override
  public long getMessagesIn() {
    return -1;
  }

  @Override
  public long getMessagesOut() {
    return -1;
  }

  @Override
  public long getBytesIn() {
    return -1;
  }

  @Override
  public long getBytesOut() {
    return -1;
  }

  @Override
  public long getCreatedTimeStamp() {
    return endPoint.getCreatedTimeStamp();
  }
}
