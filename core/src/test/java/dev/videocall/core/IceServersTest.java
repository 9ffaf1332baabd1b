package dev.videocall.core;

import dev.videocall.contract.protocol.IceServer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class IceServersTest {
  static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");

  @Test
  void stunOnlyHasNoCredentials() {
    List<IceServer> servers = IceServers.stunOnly(List.of("stun:a:3478")).forUser("alice", NOW);
    assertEquals(1, servers.size());
    assertNull(servers.get(0).username());
  }

  @Test
  void turnCredentialsFollowTheTurnRestApiForm() throws Exception {
    IceServers ice = new IceServers(List.of("stun:a:3478"), List.of("turn:t:3478?transport=udp"), "s3cret");
    IceServer turn = ice.forUser("alice", NOW).get(1);
    long expiry = NOW.plusSeconds(3600).getEpochSecond();
    assertEquals(expiry + ":alice", turn.username());
    // What coturn computes with use-auth-secret: base64(HMAC-SHA1(secret, username)).
    Mac mac = Mac.getInstance("HmacSHA1");
    mac.init(new SecretKeySpec("s3cret".getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
    String expected = Base64.getEncoder().encodeToString(mac.doFinal(turn.username().getBytes(StandardCharsets.UTF_8)));
    assertEquals(expected, turn.credential());
  }
}
