package dev.videocall.gateway;

import dev.videocall.contract.protocol.CloseCode;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import org.eclipse.jetty.io.RetainableByteBuffer;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OpCode;

/**
 * One connection's outgoing frames, sent one at a time in order (Jetty wants a message's send to
 * complete before the next). Bounded in frames and in bytes: a client that stops reading is closed
 * with 1013 instead of buffered.
 *
 * <p>A frame's bytes are counted as two per {@code char}: the most queued text occupies
 * on the heap (Java keeps at most two bytes per char, one when the text is Latin-1), known without
 * scanning the text. The frame being written counts until Jetty has finished with it; its UTF-8
 * bytes (one frame at a time, in a buffer borrowed from Jetty's pool and given back once written)
 * and what the kernel's socket buffer holds are not counted.
 */
final class Outbound {

  private sealed interface Item {}

  private record Text(CharSequence text) implements Item {
    long bytes() {
      return 2L * text.length();
    }
  }

  private record Close(int code, String reason) implements Item {}

  /** Encoders keep state while they work, so each thread has its own; a lone surrogate becomes '?'. */
  private static final ThreadLocal<CharsetEncoder> ENCODERS = ThreadLocal.withInitial(() ->
      StandardCharsets.UTF_8.newEncoder()
          .onMalformedInput(CodingErrorAction.REPLACE)
          .onUnmappableCharacter(CodingErrorAction.REPLACE));

  /** Each thread's chars of the frame it is encoding; as large as the largest frame it encoded. */
  private static final ThreadLocal<char[]> SCRATCH = ThreadLocal.withInitial(() -> new char[4096]);

  private final CoreSession session;
  private final int maxFrames;
  private final long maxBytes;
  /** Usually empty: sized small (it grows when needed) since every idle connection holds one. */
  private final ArrayDeque<Item> queue = new ArrayDeque<>(3);
  /** Queued frames plus the one being written. */
  private long queuedBytes;
  private long inFlightBytes;
  private boolean sending;
  private boolean closed;
  /** The bytes of the frame being written, until Jetty has written them. */
  private RetainableByteBuffer inFlight;
  /** One frame is written at a time, so one callback serves them all (none made per frame). */
  private final Callback whenWritten = new Callback() {
    @Override
    public void succeeded() {
      written();
    }

    @Override
    public void failed(Throwable failure) {
      release();
      session.abort();
    }
  };

  Outbound(CoreSession session, int maxFrames, long maxBytes) {
    this.session = session;
    this.maxFrames = maxFrames;
    this.maxBytes = maxBytes;
  }

  /**
   * Queues a frame. False when this frame found the queue full (in frames, or in bytes: a frame
   * always fits an empty queue): the queue is then dropped and a close with 1013 takes its place. A
   * frame sent after any close is dropped silently (and true).
   */
  boolean send(CharSequence text) {
    return enqueue(new Text(text));
  }

  /** Sends everything queued so far, then closes. */
  void close(int code, String reason) {
    enqueue(new Close(code, reason));
  }

  /** What this connection holds now, in the bytes counted above. */
  synchronized long queuedBytes() {
    return queuedBytes;
  }

  private boolean enqueue(Item item) {
    boolean overflowed = false;
    synchronized (this) {
      if (closed) {
        return true;
      }
      if (item instanceof Close) {
        closed = true;
      } else if (full(((Text) item).bytes())) {
        closed = true;
        overflowed = true;
        queue.clear();
        queuedBytes = inFlightBytes;
        item = new Close(CloseCode.TRY_AGAIN_LATER.code(), "not reading");
      } else {
        queuedBytes += ((Text) item).bytes();
      }
      queue.add(item);
      if (sending) {
        return !overflowed;
      }
      sending = true;
    }
    pump();
    return !overflowed;
  }

  private boolean full(long bytes) {
    return queue.size() >= maxFrames || (queuedBytes > 0 && queuedBytes + bytes > maxBytes);
  }

  private void pump() {
    Item next;
    synchronized (this) {
      next = queue.poll();
      if (next == null) {
        sending = false;
        return;
      }
      inFlightBytes = next instanceof Text t ? t.bytes() : 0;
    }
    switch (next) {
      case Text t -> session.sendFrame(new Frame(OpCode.TEXT, true, encode(t.text())), whenWritten, false);
      case Close c -> session.close(c.code(), c.reason(), Callback.NOOP);
    }
  }

  /**
   * The frame's UTF-8 bytes, written straight into a pooled direct buffer: no byte array made per
   * frame, and the socket writes from the buffer without the JDK copying it first.
   */
  private ByteBuffer encode(CharSequence text) {
    int length = text.length();
    char[] chars = chars(text, length);
    RetainableByteBuffer buffer = session.getByteBufferPool().acquire(utf8Length(chars, length), true);
    ByteBuffer bytes = buffer.getByteBuffer();
    int start = BufferUtil.flipToFill(bytes);
    // Signaling is ASCII: those chars are their own bytes. The JDK's encoder takes the rest from the
    // first char that is not.
    int i = 0;
    for (char c; i < length && (c = chars[i]) < 0x80; i++) {
      bytes.put((byte) c);
    }
    if (i < length) {
      CharsetEncoder encoder = ENCODERS.get().reset();
      encoder.encode(CharBuffer.wrap(chars, i, length - i), bytes, true);
      encoder.flush(bytes);
    }
    BufferUtil.flipToFlush(bytes, start);
    synchronized (this) {
      inFlight = buffer;
    }
    return bytes;
  }

  /**
   * The text's chars in this thread's scratch array, so the loops above run over an array: a String
   * is copied in bulk, and the relayed frame's view (the only other text) is read once, char by char.
   */
  private static char[] chars(CharSequence text, int length) {
    char[] chars = SCRATCH.get();
    if (chars.length < length) {
      chars = new char[Math.max(length, 2 * chars.length)];
      SCRATCH.set(chars);
    }
    if (text instanceof String s) {
      s.getChars(0, length, chars, 0);
    } else {
      for (int i = 0; i < length; i++) {
        chars[i] = text.charAt(i);
      }
    }
    return chars;
  }

  /** The length of {@code text} in UTF-8, as {@link #encode} writes it. */
  static int utf8Length(CharSequence text) {
    return utf8Length(chars(text, text.length()), text.length());
  }

  /**
   * The UTF-8 length of the first {@code length} chars, as the encoder writes them (a lone surrogate
   * as '?'): the buffer is borrowed at its exact size, so frames share the pool's small buffers.
   */
  private static int utf8Length(char[] chars, int length) {
    int bytes = length;
    for (int i = 0; i < length; i++) {
      char c = chars[i];
      if (c < 0x80) {
        continue;
      }
      if (c < 0x800) {
        bytes += 1;
      } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(chars[i + 1])) {
        bytes += 2; // four bytes for the two chars of the pair
        i++;
      } else if (!Character.isSurrogate(c)) {
        bytes += 2;
      }
    }
    return bytes;
  }

  private void written() {
    release();
    synchronized (this) {
      queuedBytes -= inFlightBytes;
      inFlightBytes = 0;
    }
    pump();
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
