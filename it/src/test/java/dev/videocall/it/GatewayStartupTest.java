package dev.videocall.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.pubsub.v1.TopicAdminClient;
import dev.videocall.gcp.CloudConfig;
import dev.videocall.gcp.PubSubClients;
import dev.videocall.emulated.ChildJvm;
import dev.videocall.emulated.PubSubProxy;
import dev.videocall.testkit.RequiresEmulators;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a first deployment the gateway starts while its IAM grants are still propagating: Pub/Sub
 * refuses it for minutes. It must keep retrying inside its start-up budget (Cloud Run's start-up
 * probe waits meanwhile) and become ready once the refusals stop, and give up with a clear log when
 * the budget runs out. A {@link PubSubProxy} in front of the emulator refuses CreateSubscription and
 * Publish while a file exists.
 */
@ExtendWith(RequiresEmulators.class)
class GatewayStartupTest {
  @TempDir Path tmp;

  private Map<String, String> env(PubSubProxy pubsub, String startupTimeoutSeconds) throws Exception {
    Emulators shared = Emulators.requireRunning();
    Map<String, String> env = new HashMap<>(shared.env());
    env.put("STARTUP_TIMEOUT_SECONDS", startupTimeoutSeconds);
    // The topics straight on the emulator (the refusals are for the gateway), then the gateway behind the proxy.
    CloudConfig config = CloudConfig.fromEnv(env);
    env.put("PUBSUB_EMULATOR_HOST", pubsub.host);
    try (PubSubClients clients = new PubSubClients(config); TopicAdminClient admin = clients.topicAdmin()) {
      admin.createTopic(clients.topic(config.ingressTopic()));
      admin.createTopic(clients.topic(config.egressTopic()));
    }
    return env;
  }

  @Test
  void aGatewayRefusedByPubSubBecomesReadyOnceTheRefusalsStop() throws Exception {
    Path refusing = Files.createFile(tmp.resolve("iam-not-yet-propagated"));
    try (PubSubProxy pubsub = PubSubProxy.start(Emulators.requireRunning().pubsubHost, PubSubProxy.refuseWhileFileExists(refusing));
        ChildJvm gateway = ChildJvm.gateway(Emulators.deployables(), "gw-startup-" + Long.toHexString(System.nanoTime()), env(pubsub, "120"), ChildJvm.freePort(), Emulators.LOG_DIR)) {
      // Refused, retrying, not ready: until a few retries have been logged.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (retriesLogged(gateway) < 3) {
        assertTrue(System.nanoTime() < deadline, "expected logged retries within 60 s:\n" + gateway.tail());
        assertTrue(gateway.isAlive(), "the gateway must wait, not exit:\n" + gateway.tail());
        assertFalse(healthy(gateway.port), "not ready while Pub/Sub refuses it");
        Thread.sleep(200);
      }
      assertTrue(gateway.tail().contains("PERMISSION_DENIED"), "the refusal is logged:\n" + gateway.tail());

      Files.delete(refusing);

      gateway.awaitHttp("/healthz", 60);
      assertTrue(healthy(gateway.port), "ready once the refusals stop");
      assertTrue(gateway.tail().contains("start-up step succeeded after retries"), gateway.tail());
    }
  }

  @Test
  void aGatewayStillRefusedWhenItsBudgetRunsOutExitsWithAClearLog() throws Exception {
    Path refusing = Files.createFile(tmp.resolve("never-granted"));
    try (PubSubProxy pubsub = PubSubProxy.start(Emulators.requireRunning().pubsubHost, PubSubProxy.refuseWhileFileExists(refusing));
        ChildJvm gateway = ChildJvm.gateway(Emulators.deployables(), "gw-giveup-" + Long.toHexString(System.nanoTime()), env(pubsub, "3"), 0, Emulators.LOG_DIR)) {
      int exit = gateway.awaitExit(30);
      assertNotEquals(0, exit, "gives up with a failure status");
      assertTrue(gateway.tail().contains("start-up budget ran out"), gateway.tail());
    }
  }

  private static long retriesLogged(ChildJvm gateway) {
    return gateway.tail().lines().filter(l -> l.contains("start-up step failed; retrying")).count();
  }

  private static boolean healthy(int port) throws InterruptedException {
    try {
      HttpResponse<Void> r = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/healthz")).GET().build(),
          HttpResponse.BodyHandlers.discarding());
      return r.statusCode() == 200;
    } catch (IOException notListening) {
      return false;
    }
  }
}
