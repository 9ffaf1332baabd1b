package dev.videocall.testkit;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * An invite link as the server makes it, {@code BASE/video?userID=…&peerID=…#token=…}, split into
 * what a server may see (the query) and the token (the fragment), with the two ways a client can
 * join with it: as the page does (token in {@code Sec-WebSocket-Protocol}) or as an older client
 * does (token in the query).
 */
public record InviteLink(String query, String token) {
  /** Parses a link; fails when its query holds a token or its fragment holds anything but one. */
  public static InviteLink parse(String link) {
    URI uri = URI.create(link);
    String fragment = uri.getRawFragment();
    if (fragment == null || !fragment.startsWith("token=") || fragment.contains("&")) {
      throw new AssertionError("want a fragment of exactly token=…, got " + link);
    }
    if (uri.getRawQuery() == null || uri.getRawQuery().contains("token=")) {
      throw new AssertionError("want a query without the token, got " + link);
    }
    return new InviteLink(uri.getRawQuery(), URLDecoder.decode(fragment.substring("token=".length()), StandardCharsets.UTF_8));
  }

  /** The query an older client sends: this link's query with {@code &token=} added (the form request logs record). */
  public String legacyQuery() {
    return query + "&token=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
  }

  /** Joins as the page does: {@code videocall.v1} and {@code token.<token>} offered, no token in the URL. */
  public WsClient connect(int port, String origin) throws Exception {
    return WsClient.connectWithToken(port, query, token, origin);
  }
}
