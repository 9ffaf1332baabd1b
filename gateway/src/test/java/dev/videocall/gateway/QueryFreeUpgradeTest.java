package dev.videocall.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.server.WebSocketServerComponents;
import org.eclipse.jetty.websocket.core.server.WebSocketUpgradeHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against a real Jetty and real sockets: what Jetty's session keeps, and what the upgrade still reads. */
class QueryFreeUpgradeTest {
  private final CompletableFuture<String> userSeenAtUpgrade = new CompletableFuture<>();
  private final CompletableFuture<URI> uriKeptBySession = new CompletableFuture<>();
  private final CompletableFuture<Map<String, List<String>>> parametersKeptBySession = new CompletableFuture<>();
  private final CompletableFuture<String> queryOfPlainRequest = new CompletableFuture<>();
  private Server server;
  private int port;

  @BeforeEach
  void start() throws Exception {
    server = new Server(new InetSocketAddress("127.0.0.1", 0));
    ContextHandler context = new ContextHandler("/");
    WebSocketUpgradeHandler websockets = new WebSocketUpgradeHandler(
        WebSocketServerComponents.ensureWebSocketComponents(server, context),
        mappings -> mappings.addMapping("/ws", (request, response, callback) -> {
          userSeenAtUpgrade.complete(QueryFreeUpgrade.parameters(request).getValue("userID"));
          return new Recording();
        }));
    websockets.setHandler(new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        queryOfPlainRequest.complete(request.getHttpURI().getQuery());
        response.setStatus(204);
        callback.succeeded();
        return true;
      }
    });
    context.setHandler(new QueryFreeUpgrade("/ws", websockets));
    server.setHandler(context);
    server.start();
    port = ((org.eclipse.jetty.server.ServerConnector) server.getConnectors()[0]).getLocalPort();
  }

  @AfterEach
  void stop() throws Exception {
    server.stop();
  }

  @Test
  void theSessionKeepsNoQueryWhileTheUpgradeReadsTheLink() throws Exception {
    try (HttpClient client = HttpClient.newHttpClient()) {
      WebSocket socket = client.newWebSocketBuilder()
          .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws?userID=alice&peerID=bob"), new WebSocket.Listener() {})
          .get(10, TimeUnit.SECONDS);
      assertEquals("alice", userSeenAtUpgrade.get(10, TimeUnit.SECONDS));
      URI kept = uriKeptBySession.get(10, TimeUnit.SECONDS);
      assertEquals("/ws", kept.getPath());
      assertNull(kept.getRawQuery(), "Jetty's session would hold the query for the socket's life");
      assertTrue(parametersKeptBySession.get(10, TimeUnit.SECONDS).isEmpty());
      socket.abort();
    }
  }

  @Test
  void otherRequestsKeepTheirQuery() throws Exception {
    try (HttpClient client = HttpClient.newHttpClient()) {
      HttpResponse<Void> answer = client.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/video?userID=alice&peerID=bob")).build(),
          HttpResponse.BodyHandlers.discarding());
      assertEquals(204, answer.statusCode());
      assertEquals("userID=alice&peerID=bob", queryOfPlainRequest.get(10, TimeUnit.SECONDS));
    }
  }

  /** Records what Jetty's session holds once the socket is open. */
  private final class Recording implements FrameHandler {
    @Override
    public void onOpen(CoreSession session, Callback callback) {
      uriKeptBySession.complete(session.getRequestURI());
      parametersKeptBySession.complete(session.getParameterMap());
      callback.succeeded();
    }

    @Override
    public void onFrame(Frame frame, Callback callback) {
      callback.succeeded();
    }

    @Override
    public void onError(Throwable cause, Callback callback) {
      callback.succeeded();
    }

    @Override
    public void onClosed(CloseStatus status, Callback callback) {
      callback.succeeded();
    }
  }
}
