package dev.videocall.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** One client WebSocket: whole text frames to a handler, and sends queued one after another. */
final class BenchSocket implements WebSocket.Listener {
  private final StringBuilder partial = new StringBuilder();
  private volatile Consumer<String> handler;
  private WebSocket ws;
  private CompletableFuture<WebSocket> tail;
  final CompletableFuture<Integer> closed = new CompletableFuture<>();

  private BenchSocket(Consumer<String> handler) {
    this.handler = handler;
  }

  static CompletableFuture<BenchSocket> open(HttpClient http, URI uri, String origin, Consumer<String> handler) {
    BenchSocket socket = new BenchSocket(handler);
    WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(30));
    if (origin != null) {
      builder.header("Origin", origin);
    }
    return builder.buildAsync(uri, socket).thenApply(ws -> {
      socket.ws = ws;
      socket.tail = CompletableFuture.completedFuture(ws);
      return socket;
    });
  }

  void onFrame(Consumer<String> handler) {
    this.handler = handler;
  }

  /**
   * Sends after the previous send finished (the JDK allows one outstanding send). The frame is made
   * at that moment, so a timestamp inside it marks when it really left.
   */
  synchronized void send(Supplier<String> frame) {
    tail = tail.thenCompose(w -> w.sendText(frame.get(), true));
  }

  void close() {
    if (ws != null && !ws.isOutputClosed()) {
      synchronized (this) {
        tail = tail.thenCompose(w -> w.sendClose(WebSocket.NORMAL_CLOSURE, "done"));
      }
    }
  }

  void abort() {
    if (ws != null) {
      ws.abort();
    }
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    partial.append(data);
    if (last) {
      String frame = partial.toString();
      partial.setLength(0);
      handler.accept(frame);
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
    closed.complete(-1);
  }
}
