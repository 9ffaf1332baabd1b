package dev.videocall.emulated;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;

/**
 * A TCP proxy on loopback that holds every chunk of bytes for a fixed time in each direction before
 * passing it on, in order: a network hop with that one-way latency in front of an emulator. The
 * production model puts one in front of Pub/Sub and one in front of Firestore, so every request to
 * them costs a round trip of twice the delay (docs/performance.md names the published figures).
 */
public final class DelayProxy implements AutoCloseable {
  private final ServerSocket server;
  private final String targetHost;
  private final int targetPort;
  private final long delayNanos;
  private volatile boolean closed;

  private DelayProxy(ServerSocket server, String target, Duration oneWay) {
    this.server = server;
    int colon = target.lastIndexOf(':');
    this.targetHost = target.substring(0, colon);
    this.targetPort = Integer.parseInt(target.substring(colon + 1));
    this.delayNanos = oneWay.toNanos();
  }

  /** Starts a proxy to {@code target} (host:port) with {@code oneWay} delay each way. */
  public static DelayProxy start(String target, Duration oneWay) throws IOException {
    ServerSocket server = new ServerSocket();
    server.bind(new InetSocketAddress("127.0.0.1", 0));
    DelayProxy proxy = new DelayProxy(server, target, oneWay);
    Thread accept = new Thread(proxy::acceptLoop, "delay-proxy-" + server.getLocalPort());
    accept.setDaemon(true);
    accept.start();
    return proxy;
  }

  /** host:port to use instead of the target. */
  public String address() {
    return "127.0.0.1:" + server.getLocalPort();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = server.accept();
        client.setTcpNoDelay(true);
        Socket upstream = new Socket(targetHost, targetPort);
        upstream.setTcpNoDelay(true);
        pipe(client, upstream);
        pipe(upstream, client);
      } catch (IOException e) {
        if (!closed) {
          continue;
        }
        return;
      }
    }
  }

  /** Reads {@code from}, holds each chunk for the delay, writes it to {@code to}, in order. */
  private void pipe(Socket from, Socket to) {
    DelayQueue<Chunk> queue = new DelayQueue<>();
    Thread reader = new Thread(() -> {
      byte[] buffer = new byte[16 * 1024];
      try (InputStream in = from.getInputStream()) {
        long seq = 0;
        for (int n; (n = in.read(buffer)) >= 0; ) {
          queue.add(new Chunk(java.util.Arrays.copyOf(buffer, n), System.nanoTime() + delayNanos, seq++));
        }
      } catch (IOException ignored) {
        // the connection ended
      }
      queue.add(new Chunk(null, System.nanoTime() + delayNanos, Long.MAX_VALUE));
    }, "delay-read");
    Thread writer = new Thread(() -> {
      try (OutputStream out = to.getOutputStream()) {
        while (true) {
          Chunk c = queue.take();
          if (c.bytes == null) {
            break;
          }
          out.write(c.bytes);
          out.flush();
        }
      } catch (IOException | InterruptedException ignored) {
        // the connection ended
      } finally {
        closeQuietly(from);
        closeQuietly(to);
      }
    }, "delay-write");
    reader.setDaemon(true);
    writer.setDaemon(true);
    reader.start();
    writer.start();
  }

  /** A chunk due at a time; ties keep reading order (equal delays make due times non-decreasing). */
  private record Chunk(byte[] bytes, long dueNanos, long seq) implements Delayed {
    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(dueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed other) {
      Chunk o = (Chunk) other;
      int byTime = Long.compare(dueNanos, o.dueNanos);
      return byTime != 0 ? byTime : Long.compare(seq, o.seq);
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
  }
}
