package dev.videocall.gateway;

import dev.videocall.contract.protocol.CloseCode;
import java.util.ArrayDeque;
import org.eclipse.jetty.io.RetainableByteBuffer;
import org.eclipse.jetty.util.Callback;

/**
 * One socket's outgoing frames, written one at a time in order (a Jetty endpoint takes one write at
 * a time): relayed text, pings, pongs, and last the close. Bounded in frames and in bytes: a client
 * that stops reading is closed with 1013 instead of buffered.
 *
 * <p>A text frame's bytes are counted as two per {@code char}: the most queued text occupies on the
 * heap (Java keeps at most two bytes per char, one when the text is Latin-1), known without
 * scanning the text. The frame being written counts until it is written; its UTF-8 bytes (one frame
 * at a time, in a buffer borrowed from Jetty's pool and given back once written) and what the
 * kernel's socket buffer holds are not counted.
 */
final class Outbound implements Callback {

  private sealed interface Item {
    long bytes();
  }

  private record Text(CharSequence text) implements Item {
    @Override
    public long bytes() {
      return 2L * text.length();
    }
  }

  private record Control(int opcode, byte[] payload) implements Item {
    @Override
    public long bytes() {
      return payload.length;
    }
  }

  private record Close(int code, String reason) implements Item {
    @Override
    public long bytes() {
      return 0;
    }
  }

  /** Where a write stands, so that a write that completes at once does not nest the next in its callback. */
  private static final int IDLE = 0;
  private static final int WRITING = 1;
  private static final int DONE_AT_ONCE = 2;
  private static final int PENDING = 3;

  private final WebSocket socket;
  /** The gateway's caps, shared by every socket. */
  private final WebSocket.Limits limits;
  /** Frames waiting while another is written; made when first needed, so most idle sockets hold none. */
  private ArrayDeque<Item> queue;
  /** Queued frames plus the one being written. */
  private long queuedBytes;
  private long inFlightBytes;
  private boolean sending;
  private boolean closed;
  /** The code of the close queued, whoever queued it; 0 before. */
  private int closeCode;
  private int writeState = IDLE;
  /** The bytes of the frame being written, until they are written. */
  private RetainableByteBuffer inFlight;
  private boolean inFlightIsClose;

  Outbound(WebSocket socket, WebSocket.Limits limits) {
    this.socket = socket;
    this.limits = limits;
  }

  /**
   * Queues a text frame. False when this frame found the queue full (in frames, or in bytes: a
   * frame always fits an empty queue): the queue is then dropped and a close with 1013 takes its
   * place. A frame sent after the close is dropped silently (and true).
   */
  boolean send(CharSequence text) {
    return enqueue(new Text(text));
  }

  /** Queues a PING or PONG, under the same bounds as text (a client that floods pings and reads nothing is closed). */
  void control(int opcode, byte[] payload) {
    enqueue(new Control(opcode, payload));
  }

  /** Sends everything queued so far, then the close frame; the first close wins, later ones are ignored. */
  void close(int code, String reason) {
    enqueue(new Close(code, reason));
  }

  /** The code of the close queued (by a caller, or for 1013 by this queue itself); 0 while none is. */
  synchronized int closeCode() {
    return closeCode;
  }

  /** What this connection holds now, in the bytes counted above. */
  synchronized long queuedBytes() {
    return queuedBytes;
  }

  private boolean enqueue(Item item) {
    boolean overflowed = false;
    boolean startWriting = false;
    synchronized (this) {
      if (closed) {
        return true;
      }
      if (item instanceof Close c) {
        closed = true;
        closeCode = c.code();
      } else if (full(item.bytes())) {
        closed = true;
        overflowed = true;
        queue = null;
        queuedBytes = inFlightBytes;
        item = new Close(CloseCode.TRY_AGAIN_LATER.code(), "not reading");
        closeCode = CloseCode.TRY_AGAIN_LATER.code();
      } else {
        queuedBytes += item.bytes();
      }
      if (sending) {
        if (queue == null) {
          queue = new ArrayDeque<>(4);
        }
        queue.add(item);
      } else {
        sending = true;
        startWriting = true;
      }
    }
    if (item instanceof Close) {
      socket.closeQueued();
    }
    if (startWriting) {
      pump(item);
    }
    return !overflowed;
  }

  private boolean full(long bytes) {
    return waiting() >= limits.maxQueuedFrames() || (queuedBytes > 0 && queuedBytes + bytes > limits.maxQueuedBytes());
  }

  private int waiting() {
    return queue == null ? 0 : queue.size();
  }

  /**
   * Writes {@code next}, then what has queued meanwhile, one frame at a time, until nothing waits or
   * a write is under way (its callback carries on). Null: start with the queue.
   */
  private void pump(Item next) {
    while (true) {
      synchronized (this) {
        if (next == null) {
          next = queue == null ? null : queue.poll();
        }
        if (next == null) {
          sending = false;
          queue = null; // an idle socket holds no queue
          return;
        }
        inFlightBytes = next.bytes();
        inFlightIsClose = next instanceof Close;
        writeState = WRITING;
      }
      try {
        RetainableByteBuffer bytes = switch (next) {
          case Text t -> FrameBytes.text(t.text(), socket.pool());
          case Control c -> FrameBytes.control(c.opcode(), c.payload(), socket.pool());
          case Close c -> FrameBytes.close(c.code(), c.reason(), socket.pool());
        };
        synchronized (this) {
          inFlight = bytes;
        }
        socket.write(bytes.getByteBuffer(), this);
      } catch (RuntimeException bug) {
        // Nothing more can be written in order: the connection ends rather than hang.
        failed(bug);
        return;
      }
      synchronized (this) {
        if (writeState == WRITING) {
          // Still being written: the callback carries on.
          writeState = PENDING;
          return;
        }
        writeState = IDLE;
      }
      next = null;
    }
  }

  /** One frame is written at a time, so this serves as every write's callback (none made per frame). */
  @Override
  public void succeeded() {
    release();
    boolean closeWritten;
    boolean carryOn;
    synchronized (this) {
      queuedBytes -= inFlightBytes;
      inFlightBytes = 0;
      closeWritten = inFlightIsClose;
      carryOn = writeState == PENDING;
      writeState = carryOn ? IDLE : DONE_AT_ONCE;
    }
    if (closeWritten) {
      socket.closeWritten();
    }
    if (carryOn) {
      pump(null);
    }
  }

  /** The write failed (the connection is gone, or a bug of ours): nothing more is written. */
  @Override
  public void failed(Throwable failure) {
    release();
    synchronized (this) {
      closed = true;
      queue = null;
      queuedBytes = 0;
      inFlightBytes = 0;
    }
    socket.abort();
  }

  private void release() {
    RetainableByteBuffer buffer;
    synchronized (this) {
      buffer = inFlight;
      inFlight = null;
    }
    if (buffer != null) {
      buffer.release();
    }
  }
}
