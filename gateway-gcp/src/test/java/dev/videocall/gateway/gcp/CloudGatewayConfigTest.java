package dev.videocall.gateway.gcp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CloudGatewayConfigTest {

  @Test
  void theEgressSubscriptionIsThePrefixPlusTheGatewayId() {
    CloudGatewayConfig c = CloudGatewayConfig.fromEnv(Map.of(
        "GOOGLE_CLOUD_PROJECT", "p", "GATEWAY_ID", "gw-1", "EGRESS_SUBSCRIPTION_PREFIX", "videocall-egress-"));
    assertEquals("videocall-egress-gw-1", c.egressSubscription());
  }

  @Test
  void defaults() {
    CloudGatewayConfig c = CloudGatewayConfig.fromEnv(Map.of("GOOGLE_CLOUD_PROJECT", "p", "GATEWAY_ID", "gw-1"));
    assertEquals("egress-gw-1", c.egressSubscription());
    assertEquals(Duration.ofSeconds(10), c.heartbeatInterval());
    assertEquals(Duration.ofSeconds(200), c.startupTimeout(), "a first deployment's IAM grants take minutes");
    assertEquals(Duration.ofSeconds(10), c.readyWait(), "a socket waits this long for the clouds, then gets 1013");
    assertEquals(Duration.ofSeconds(60), c.routerWakeAfterIdle());
  }

  @Test
  void secondsMayBeFractional() {
    CloudGatewayConfig c = CloudGatewayConfig.fromEnv(Map.of(
        "GOOGLE_CLOUD_PROJECT", "p", "HEARTBEAT_INTERVAL_SECONDS", "0.5", "STARTUP_TIMEOUT_SECONDS", "2.5"));
    assertEquals(Duration.ofMillis(500), c.heartbeatInterval());
    assertEquals(Duration.ofMillis(2500), c.startupTimeout());
  }
}
