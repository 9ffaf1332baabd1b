package dev.videocall.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LinkBaseTest {

  @Test
  void theConfiguredUrlWins() {
    assertEquals("https://video.example.com", LinkBase.of("https://video.example.com", "localhost:8080", 8080));
  }

  @Test
  void aLoopbackHostIsKeptAsTheBrowserSentIt() {
    assertEquals("http://localhost:9000", LinkBase.of(null, "localhost:9000", 8080));
    assertEquals("http://localhost", LinkBase.of(null, "LOCALHOST", 8080));
    assertEquals("http://127.0.0.1:8080", LinkBase.of(null, "127.0.0.1:8080", 8080));
    assertEquals("http://127.1.2.3:8080", LinkBase.of(null, "127.1.2.3:8080", 8080));
    assertEquals("http://[::1]:8080", LinkBase.of(null, "[::1]:8080", 8080));
  }

  @Test
  void anyOtherHostGetsLocalhostOnTheListeningPort() {
    for (String host : new String[] {"evil.example", "evil.example:8080", "localhost.evil.example", "127.0.0.1.evil.example",
        "127.0.0.256", "evil.example#@localhost", "localhost:8080/evil", "user@localhost", "192.168.1.5:8080", "", null}) {
      assertEquals("http://localhost:8080", LinkBase.of(null, host, 8080), String.valueOf(host));
    }
  }
}
