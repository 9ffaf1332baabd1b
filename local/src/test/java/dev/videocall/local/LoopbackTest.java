package dev.videocall.local;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The names of this machine's loopback; requests are in OwnerOnlyCallsTest, links in LinkBaseTest. */
class LoopbackTest {

  @Test
  void loopbackHostsWithOrWithoutAPort() {
    for (String host : new String[] {"localhost", "LOCALHOST:8080", "127.0.0.1:8080", "127.1.2.3", "[::1]:8080", "[::1]"}) {
      assertTrue(Loopback.isHost(host), host);
    }
    for (String host : new String[] {"evil.example:8080", "localhost.evil.example", "127.0.0.1.evil.example", "127.0.0.256",
        "user@localhost", "localhost:8080/x", "0.0.0.0", "192.168.1.5", "", null}) {
      assertFalse(Loopback.isHost(host), String.valueOf(host));
    }
  }

  @Test
  void loopbackOriginsAreAPageOfALoopbackHost() {
    for (String origin : new String[] {"http://localhost:8080", "https://localhost", "http://127.0.0.1:9000", "http://[::1]:8080"}) {
      assertTrue(Loopback.isOrigin(origin), origin);
    }
    for (String origin : new String[] {"http://evil.example:8080", "null", "file://", "http://localhost.evil.example",
        "http://localhost:8080/", "ws://localhost:8080", "http://localhost@evil.example", "", null}) {
      assertFalse(Loopback.isOrigin(origin), String.valueOf(origin));
    }
  }
}
