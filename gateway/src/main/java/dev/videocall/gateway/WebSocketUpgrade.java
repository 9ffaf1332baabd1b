package dev.videocall.gateway;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpStream;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The opening handshake (RFC 6455, 4.2) at one path: checks what the RFC asks of a client's
 * request, lets the gateway decide, answers 101 and has Jetty hand the connection over to a
 * {@link WebSocket} once the answer is written. Any other request goes on to the wrapped handler.
 * Only HTTP/1.1 upgrades; no extension is ever agreed.
 */
final class WebSocketUpgrade extends Handler.Wrapper {
  /** The RFC's fixed GUID, appended to the client's key for the accept value (4.2.2). */
  private static final String KEY_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

  /** The gateway's side: refuse (having written the answer) or say what listens to the new socket. */
  interface Decision {
    /** Null when refused, the error answer written; otherwise who hears the socket and the subprotocol to select (or null). */
    Accepted decide(Request request, Response response, Callback callback);
  }

  record Accepted(SocketListener listener, String subprotocol) {}

  /** What every socket is made with: the gateway's limits. */
  interface Sockets {
    WebSocket open(Request request, SocketListener listener);
  }

  private final String path;
  private final Decision decision;
  private final Sockets sockets;

  WebSocketUpgrade(String path, Decision decision, Sockets sockets, Handler next) {
    super(next);
    this.path = path;
    this.decision = decision;
    this.sockets = sockets;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    if (!path.equals(Request.getPathInContext(request)) || !request.getHeaders().contains(HttpHeader.UPGRADE, "websocket")) {
      return super.handle(request, response, callback);
    }
    String key = request.getHeaders().get(HttpHeader.SEC_WEBSOCKET_KEY);
    if (!HttpMethod.GET.is(request.getMethod())
        || request.getConnectionMetaData().getHttpVersion() != HttpVersion.HTTP_1_1
        || !request.getHeaders().contains(HttpHeader.CONNECTION, "upgrade")
        || !validKey(key)) {
      Response.writeError(request, response, callback, HttpStatus.BAD_REQUEST_400, "not a WebSocket handshake");
      return true;
    }
    if (!"13".equals(request.getHeaders().get(HttpHeader.SEC_WEBSOCKET_VERSION))) {
      response.getHeaders().put(HttpHeader.SEC_WEBSOCKET_VERSION, "13");
      Response.writeError(request, response, callback, HttpStatus.UPGRADE_REQUIRED_426, "WebSocket version 13 only");
      return true;
    }
    Accepted accepted = decision.decide(request, response, callback);
    if (accepted == null) {
      return true;
    }
    response.setStatus(HttpStatus.SWITCHING_PROTOCOLS_101);
    response.getHeaders().put(HttpHeader.UPGRADE, "websocket");
    response.getHeaders().put(HttpHeader.CONNECTION, "Upgrade");
    response.getHeaders().put(HttpHeader.SEC_WEBSOCKET_ACCEPT, acceptFor(key));
    if (accepted.subprotocol() != null) {
      response.getHeaders().put(HttpHeader.SEC_WEBSOCKET_SUBPROTOCOL, accepted.subprotocol());
    }
    // Jetty swaps its HTTP connection for this one once the 101 is written.
    request.setAttribute(HttpStream.UPGRADE_CONNECTION_ATTRIBUTE, sockets.open(request, accepted.listener()));
    callback.succeeded();
    return true;
  }

  /** A key is 16 random bytes in base64 (4.1). */
  static boolean validKey(String key) {
    if (key == null || key.length() != 24) {
      return false;
    }
    try {
      return Base64.getDecoder().decode(key.trim()).length == 16;
    } catch (IllegalArgumentException notBase64) {
      return false;
    }
  }

  /** {@code Sec-WebSocket-Accept} for a key (4.2.2). */
  static String acceptFor(String key) {
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      return Base64.getEncoder().encodeToString(sha1.digest((key.trim() + KEY_GUID).getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException everyJdkHasIt) {
      throw new IllegalStateException(everyJdkHasIt);
    }
  }
}
