package dev.videocall.testkit;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;

/**
 * A WebSocket client written by hand on a plain socket (RFC 6455: the upgrade, masked frames out,
 * plain frames in). It does only what the test says: unlike a library client it never answers a
 * close frame, never answers a ping and never reads unless asked, which is how an abusive client
 * behaves. {@link #millisUntilServerHangsUp} tells whether, and when, the server dropped the TCP
 * connection itself.
 */
public final class RawWebSocket implements AutoCloseable {
  public static final int CONTINUATION = 0x0;
  public static final int TEXT = 0x1;
  public static final int BINARY = 0x2;
  public static final int CLOSE = 0x8;
  public static final int PING = 0x9;
  public static final int PONG = 0xA;

  private static final SecureRandom RANDOM = new SecureRandom();

  /** One frame as the server sent it. */
  public record Frame(int opcode, byte[] payload) {
    public String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    /** The status code of a close frame (1005, "none", when it carries no code). */
    public int closeCode() {
      return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
    }
  }

  /** The server answered the upgrade with something other than 101. */
  public static final class Refused extends IOException {
    public final RawHttp.Answer answer;

    Refused(RawHttp.Answer answer) {
      super("upgrade refused with " + answer.status());
      this.answer = answer;
    }
  }

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  private RawWebSocket(Socket socket, InputStream in) throws IOException {
    this.socket = socket;
    this.in = in;
    this.out = socket.getOutputStream();
  }

  /** Opens {@code /video/connections?query} with this Origin (null for none). */
  public static RawWebSocket open(int port, String query, String origin) throws IOException {
    return open(port, query, origin, 0);
  }

  /**
   * As {@link #open(int, String, String)}, with the socket's receive buffer set to this many bytes
   * before connecting (0 leaves the system's default), for a client that holds little of what it is
   * sent.
   */
  public static RawWebSocket open(int port, String query, String origin, int receiveBufferBytes) throws IOException {
    Socket socket = new Socket();
    if (receiveBufferBytes > 0) {
      socket.setReceiveBufferSize(receiveBufferBytes);
    }
    socket.connect(new java.net.InetSocketAddress("localhost", port), 10_000);
    socket.setSoTimeout(10_000);
    socket.getOutputStream().write(upgradeRequest(port, query, origin));
    InputStream in = new BufferedInputStream(socket.getInputStream());
    RawHttp.Answer answer = RawHttp.readAnswer(in);
    if (answer.status() != 101) {
      socket.close();
      throw new Refused(answer);
    }
    return new RawWebSocket(socket, in);
  }

  /**
   * The upgrade request {@link #open} sends, for a test that makes its own socket (one that holds no
   * read buffer, say, when the test's own heap is measured).
   */
  public static byte[] upgradeRequest(int port, String query, String origin) {
    byte[] nonce = new byte[16];
    RANDOM.nextBytes(nonce);
    String request = "GET /video/connections?" + query + " HTTP/1.1\r\n"
        + "Host: localhost:" + port + "\r\n"
        + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\n"
        + "Sec-WebSocket-Version: 13\r\n"
        + (origin == null ? "" : "Origin: " + origin + "\r\n")
        + "\r\n";
    return request.getBytes(StandardCharsets.ISO_8859_1);
  }

  public void sendText(String text) throws IOException {
    send(TEXT, text.getBytes(StandardCharsets.UTF_8));
  }

  public void sendBinary(byte[] payload) throws IOException {
    send(BINARY, payload);
  }

  /** Bytes as they are, for frames no well-behaved client would send (or a frame cut in parts). */
  public synchronized void sendRaw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** One frame exactly as {@link #send(int, byte[], boolean)} writes it, returned instead of sent. */
  public static byte[] maskedFrame(int opcode, byte[] payload, boolean fin) {
    ByteBuffer frame = ByteBuffer.allocate(14 + payload.length);
    frame.put((byte) ((fin ? 0x80 : 0) | opcode));
    if (payload.length < 126) {
      frame.put((byte) (0x80 | payload.length));
    } else if (payload.length < 65536) {
      frame.put((byte) (0x80 | 126)).putShort((short) payload.length);
    } else {
      frame.put((byte) (0x80 | 127)).putLong(payload.length);
    }
    byte[] mask = new byte[4];
    RANDOM.nextBytes(mask);
    frame.put(mask);
    for (int i = 0; i < payload.length; i++) {
      frame.put((byte) (payload[i] ^ mask[i % 4]));
    }
    return java.util.Arrays.copyOf(frame.array(), frame.position());
  }

  /** The socket once the server has upgraded it, with whatever the server sent after its 101 unread. */
  public static RawWebSocket over(Socket socket, InputStream in) throws IOException {
    return new RawWebSocket(socket, in);
  }

  /** One final, masked frame. */
  public void send(int opcode, byte[] payload) throws IOException {
    send(opcode, payload, true);
  }

  /** One masked frame; {@code fin} false leaves its message open for CONTINUATION frames. */
  public synchronized void send(int opcode, byte[] payload, boolean fin) throws IOException {
    out.write(maskedFrame(opcode, payload, fin));
    out.flush();
  }

  /**
   * The next frame, or null if none arrives within {@code timeout}. Throws {@link EOFException} when
   * the server has closed the TCP connection.
   */
  public Frame read(Duration timeout) throws IOException {
    socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
    int first;
    try {
      first = in.read();
    } catch (SocketTimeoutException e) {
      return null;
    }
    if (first < 0) {
      throw new EOFException("the server closed the connection");
    }
    socket.setSoTimeout(10_000);
    int second = readByte();
    long length = second & 0x7f;
    if (length == 126) {
      length = (readByte() << 8) | readByte();
    } else if (length == 127) {
      length = 0;
      for (int i = 0; i < 8; i++) {
        length = (length << 8) | readByte();
      }
    }
    byte[] payload = in.readNBytes((int) length);
    if (payload.length < length) {
      throw new EOFException("the server closed the connection inside a frame");
    }
    return new Frame(first & 0x0f, payload);
  }

  /** Reads frames until one has this opcode; null if none arrives within {@code timeout}. */
  public Frame readUntil(int opcode, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Frame f = read(Duration.ofNanos(deadline - System.nanoTime()));
      if (f != null && f.opcode() == opcode) {
        return f;
      }
    }
    return null;
  }

  /**
   * Goes on sending a small text frame every {@code every}, reading nothing, until a write fails
   * because the server has closed the TCP connection (it answers with a reset); returns how long that
   * took, or -1 if writes still succeeded after {@code max}. The end of the input stream is not
   * enough: a server that has sent its close frame may shut down only its own output and keep
   * reading what the client sends.
   */
  public long millisUntilServerHangsUp(Duration max, Duration every) throws InterruptedException {
    long start = System.nanoTime();
    long deadline = start + max.toNanos();
    int n = 0;
    while (System.nanoTime() < deadline) {
      try {
        sendText("{\"ignoring-the-close\":" + n++ + "}");
      } catch (IOException e) {
        return (System.nanoTime() - start) / 1_000_000;
      }
      Thread.sleep(every.toMillis());
    }
    return -1;
  }

  private int readByte() throws IOException {
    int b = in.read();
    if (b < 0) {
      throw new EOFException("the server closed the connection inside a frame");
    }
    return b;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
