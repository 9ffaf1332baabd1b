package dev.videocall.core;

import dev.videocall.contract.protocol.IceServer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The ICE servers a browser gets in {@code welcome}: STUN from configuration and, when a TURN secret
 * is configured, short-lived TURN credentials in the TURN REST API form that coturn's
 * {@code use-auth-secret} accepts (username {@code expiry:user}, credential base64 HMAC-SHA1). The
 * secret itself never leaves the server.
 */
public final class IceServers {
  private final List<String> stunUrls;
  private final List<String> turnUrls;
  private final byte[] turnSecret;

  public IceServers(List<String> stunUrls, List<String> turnUrls, String turnSecret) {
    this.stunUrls = List.copyOf(stunUrls);
    this.turnUrls = List.copyOf(turnUrls);
    this.turnSecret = turnSecret == null || turnSecret.isEmpty() ? null : turnSecret.getBytes(StandardCharsets.UTF_8);
  }

  public static IceServers stunOnly(List<String> stunUrls) {
    return new IceServers(stunUrls, List.of(), null);
  }

  public List<IceServer> forUser(String userId, Instant now) {
    List<IceServer> servers = new ArrayList<>(2);
    if (!stunUrls.isEmpty()) {
      servers.add(IceServer.stun(stunUrls));
    }
    if (turnSecret != null && !turnUrls.isEmpty()) {
      long expiry = now.plus(Limits.TURN_CREDENTIAL_TTL).getEpochSecond();
      String username = expiry + ":" + userId;
      servers.add(new IceServer(turnUrls, username, credential(username)));
    }
    return servers;
  }

  private String credential(String username) {
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(turnSecret, "HmacSHA1"));
      return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA1 is required by every Java platform", e);
    }
  }
}
