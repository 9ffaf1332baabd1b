package dev.videocall.gateway;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class OriginPolicyTest {
  final OriginPolicy policy = new OriginPolicy(List.of("https://friend.example/"), false);

  @Test
  void sameOriginAndConfiguredOriginsOnly() {
    assertTrue(policy.allows("http://localhost:8080", "localhost:8080"));
    assertTrue(policy.allows("https://site.example", "site.example"));
    assertTrue(policy.allows("https://site.example:443", "site.example"));
    assertTrue(policy.allows("HTTPS://Site.Example", "site.example"));
    assertTrue(policy.allows("https://friend.example", "site.example"));
    assertFalse(policy.allows("https://evil.example", "site.example"));
    assertFalse(policy.allows("https://site.example.evil.example", "site.example"));
    assertFalse(policy.allows("http://localhost:8081", "localhost:8080"));
    assertFalse(policy.allows("null", "site.example"));
    assertFalse(policy.allows("file://site.example", "site.example"));
    assertFalse(policy.allows(null, "site.example"));
    assertFalse(policy.allows("https://site.example", null));
  }

  /** 100,000 random Origin/Host pairs: an answer every time, and never "yes" for a foreign host. */
  @Property(tries = 100_000)
  void anyHeadersGetAnAnswer(@ForAll String origin, @ForAll String host) {
    boolean allowed = policy.allows(origin, host);
    if (allowed) {
      assertTrue(origin.toLowerCase().contains(host.toLowerCase().replaceAll(":(80|443)$", "")) || origin.toLowerCase().contains("friend.example"),
          origin + " / " + host);
    }
  }
}
