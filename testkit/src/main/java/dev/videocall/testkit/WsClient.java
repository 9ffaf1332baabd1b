package dev.videocall.testkit;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A real WebSocket client (the JDK's) that records frames and the close code. */
public final class WsClient implements WebSocket.Listener {
  /** One client for all sockets: each HttpClient has its own selector thread. */
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  public final LinkedBlockingQueue<String> frames = new LinkedBlockingQueue<>();
  public final CompletableFuture<Integer> closed = new CompletableFuture<>();
  private final StringBuilder partial = new StringBuilder();
  public WebSocket ws;

  public static WsClient connect(int port, String query, String origin) throws Exception {
    return connect(port, query, origin, List.of());
  }

  /**
   * Opens {@code /video/connections?query} offering these subprotocols in {@code
   * Sec-WebSocket-Protocol}, most preferred first (none when empty), as the page does with {@code
   * videocall.v1} and {@code token.<token>}; {@link #subprotocol()} tells which one the server chose.
   */
  public static WsClient connect(int port, String query, String origin, List<String> subprotocols) throws Exception {
    WsClient c = new WsClient();
    var builder = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
    if (origin != null) {
      builder.header("Origin", origin);
    }
    if (!subprotocols.isEmpty()) {
      builder.subprotocols(subprotocols.get(0), subprotocols.subList(1, subprotocols.size()).toArray(String[]::new));
    }
    c.ws = builder.buildAsync(URI.create("ws://localhost:" + port + "/video/connections?" + query), c).get(10, TimeUnit.SECONDS);
    return c;
  }

  /** As the page connects: the protocol and the token as subprotocols, nothing secret in the URL. */
  public static WsClient connectWithToken(int port, String query, String token, String origin) throws Exception {
    return connect(port, query, origin, List.of("videocall.v1", "token." + token));
  }

  /** The subprotocol the server selected ("" for none). */
  public String subprotocol() {
    return ws.getSubprotocol();
  }

  public void send(String text) {
    ws.sendText(text, true).join();
  }

  /**
   * Starts sending one text message in 4 KiB fragments and stops at the fragment that takes it past
   * the gateway's default limit (64 KiB), or when the server has closed. The server refuses at that
   * fragment; anything sent after it would sit unread in the server's socket, and closing a socket
   * with unread data resets the connection (TCP RST), which can discard the 1009 close frame before
   * this client reads it.
   */
  public void sendOversized(String text) throws Exception {
    sendOversized(text, 64 * 1024);
  }

  /** As {@link #sendOversized(String)}, for a gateway whose limit is {@code limitBytes}. */
  public void sendOversized(String text, int limitBytes) throws Exception {
    int step = 4096;
    for (int at = 0; at < text.length() && !closed.isDone(); at += step) {
      boolean last = at + step >= text.length();
      try {
        ws.sendText(text.substring(at, Math.min(text.length(), at + step)), last).get(5, TimeUnit.SECONDS);
      } catch (Exception e) {
        return; // the server is closing; closeCode() tells how
      }
      if (at + step > limitBytes) {
        return; // already over the limit: the rest would only be left unread
      }
    }
  }

  /** The next frame as JSON, failing after a deadline. */
  public JsonObject next() throws InterruptedException {
    String f = frames.poll(5, TimeUnit.SECONDS);
    if (f == null) {
      throw new AssertionError("no frame within 5 s");
    }
    return JsonParser.parseString(f).getAsJsonObject();
  }

  /** The next frame of a type, skipping others. */
  public JsonObject next(String type) throws InterruptedException {
    while (true) {
      JsonObject f = next();
      if (type.equals(f.get("type").getAsString())) {
        return f;
      }
    }
  }

  public int closeCode() throws Exception {
    return closed.get(5, TimeUnit.SECONDS);
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    partial.append(data);
    if (last) {
      frames.add(partial.toString());
      partial.setLength(0);
    }
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    closed.complete(statusCode);
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    closed.completeExceptionally(error);
  }
}
