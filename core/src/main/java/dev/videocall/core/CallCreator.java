package dev.videocall.core;

import dev.videocall.contract.invite.UserIds;
import dev.videocall.contract.invite.InviteTokens;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The CreateCall operation: a fresh call for two to four people and one invite link each. */
public final class CallCreator {
  private final InviteTokens tokens;
  private final Duration ttl;
  private final InstantSource clock;

  public CallCreator(InviteTokens tokens, Duration ttl, InstantSource clock) {
    if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(Limits.MAX_INVITE_TTL) > 0) {
      throw new IllegalArgumentException("invite TTL must be between 1 second and " + Limits.MAX_INVITE_TTL);
    }
    this.tokens = tokens;
    this.ttl = ttl;
    this.clock = clock;
  }

  /** A created call: its session id, a link per (normalised) user, and when the links expire. */
  public record CreatedCall(String sessionId, Map<String, String> links, Instant expiresAt) {}

  /** Thrown for a request that names the wrong people; the message is safe to show. */
  public static final class InvalidCallRequest extends Exception {
    public InvalidCallRequest(String message) {
      super(message);
    }
  }

  /**
   * Creates a call between two to four distinct users. Each link names its user and, once each, the
   * others in the order the request lists them.
   *
   * @param baseUrl scheme, host and optional port (and path prefix) the links start with, e.g.
   *     {@code https://example.com}; a trailing slash is ignored
   */
  public CreatedCall create(List<String> users, String baseUrl) throws InvalidCallRequest {
    if (users == null || users.size() < Limits.MIN_PEOPLE_PER_CALL || users.size() > Limits.MAX_PEOPLE_PER_CALL) {
      throw new InvalidCallRequest("users must list " + Limits.MIN_PEOPLE_PER_CALL + " to " + Limits.MAX_PEOPLE_PER_CALL + " names");
    }
    List<String> people = new ArrayList<>(users.size());
    for (String raw : users) {
      String id = normalized(raw);
      if (people.contains(id)) {
        throw new InvalidCallRequest("the names must all differ: " + id + " is listed twice");
      }
      people.add(id);
    }
    String sessionId = tokens.newSessionId();
    Instant expiresAt = clock.instant().plus(ttl).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    Map<String, String> links = new LinkedHashMap<>();
    for (String user : people) {
      List<String> others = people.stream().filter(p -> !p.equals(user)).toList();
      links.put(user, link(base, user, others, tokens.mint(sessionId, user, others, expiresAt)));
    }
    return new CreatedCall(sessionId, links, expiresAt);
  }

  private static String normalized(String raw) throws InvalidCallRequest {
    Optional<String> id = UserIds.normalize(raw);
    if (id.isEmpty()) {
      throw new InvalidCallRequest("names must be 1-64 characters, each a letter a-z (either case), a digit, '_' or '-'");
    }
    return id.get();
  }

  /**
   * {@code BASE/video?userID=…&peerID=…[&peerID=…]#token=…}: the token (the link's only secret; its
   * expiry is inside it) rides in the fragment, which browsers never send to a server, so no request
   * log records it. The page hands it to the gateway in {@code Sec-WebSocket-Protocol}.
   */
  private static String link(String base, String user, List<String> peers, String token) {
    StringBuilder link = new StringBuilder(base).append("/video?userID=").append(enc(user));
    for (String peer : peers) {
      link.append("&peerID=").append(enc(peer));
    }
    return link.append("#token=").append(enc(token)).toString();
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
