package dev.videocall.emulated;

import dev.videocall.contract.config.EnvValues;
import dev.videocall.contract.invite.InviteTokens;
import dev.videocall.contract.invite.SigningKeys;
import dev.videocall.core.CallCreator;
import dev.videocall.core.CoreConfig;
import dev.videocall.core.OwnerKey;
import dev.videocall.gcp.CloudConfig;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code scripts/run --emulated-cloud}: the cloud shape on this machine (see {@link EmulatedCloud}),
 * with two gateways on {@code PORT} and {@code PORT}+1, and two links of one call whose people land
 * on different gateways. Needs the emulators (PUBSUB_EMULATOR_HOST, FIRESTORE_EMULATOR_HOST; the
 * script starts them). Ctrl+C stops every process it started. The one place this process reads its
 * environment.
 */
public final class EmulatedCloudMain {
  private EmulatedCloudMain() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> env = System.getenv();
    String pubsub = EnvValues.optional(env, "PUBSUB_EMULATOR_HOST");
    String firestore = EnvValues.optional(env, "FIRESTORE_EMULATOR_HOST");
    if (pubsub == null || firestore == null) {
      System.err.println("PUBSUB_EMULATOR_HOST and FIRESTORE_EMULATOR_HOST must name running emulators (scripts/run --emulated-cloud starts them)");
      System.exit(2);
    }
    int portA = EnvValues.intValue(env, "PORT", 8080);
    int portB = EnvValues.intValue(env, "PORT_B", portA + 1);
    Path root = Path.of(EnvValues.string(env, "VIDEOCALL_ROOT", ".")).toAbsolutePath().normalize();
    String keys = EnvValues.string(env, "INVITE_SIGNING_KEYS", CoreConfig.newKeySpec("emulated"));
    String ownerKey = EnvValues.string(env, "OWNER_KEY", OwnerKey.generate());
    String siteA = "http://localhost:" + portA;

    Map<String, String> processEnv = new HashMap<>();
    processEnv.put("INVITE_SIGNING_KEYS", keys);
    processEnv.put("OWNER_KEY", ownerKey);
    processEnv.put("PUBLIC_BASE_URL", siteA);
    // Both gateways serve the page; each accepts the other's origin so either can host a link.
    processEnv.put("ALLOWED_ORIGINS", siteA + ",http://localhost:" + portB);
    processEnv.put("LOG_LEVEL", EnvValues.string(env, "LOG_LEVEL", "INFO"));
    String prefix = "emulated-" + UUID.randomUUID().toString().substring(0, 8);
    EmulatedCloud.Settings settings = new EmulatedCloud.Settings(
        pubsub, firestore, prefix, processEnv, List.of(portA, portB),
        // Cloud Scheduler calls every minute; here every ten seconds, so a killed gateway is noticed soon.
        Duration.ofSeconds(EnvValues.intValue(env, "SWEEP_EVERY_SECONDS", 10)),
        true, root.resolve("emulated-cloud/target/logs"));

    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    out.println("Starting the emulated cloud (router, CreateCall and sweeper under the Functions Framework invoker, two gateways)...");
    EmulatedCloud cloud = EmulatedCloud.start(Deployables.inRepository(root), settings);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      out.println("Stopping the emulated cloud...");
      cloud.close();
    }, "shutdown"));

    CallCreator creator = new CallCreator(new InviteTokens(SigningKeys.parse(keys)), Duration.ofHours(24), Clock.systemUTC());
    CallCreator.CreatedCall call = creator.create(List.of("alice", "bob"), siteA);
    String bobOnB = call.links().get("bob").replace(siteA, "http://localhost:" + portB);
    out.println();
    out.println("Emulated cloud: gateway A " + siteA + " (" + cloud.gateways().get(0).name + "), gateway B http://localhost:" + portB
        + " (" + cloud.gateways().get(1).name + ")"
        + ", router on :" + cloud.router().port + ", CreateCall on :" + cloud.createCall().port + ", sweeper on :" + cloud.sweeper().port);
    out.println("Open these two links; each person lands on a different gateway:");
    out.println("  alice (gateway A): " + call.links().get("alice"));
    out.println("  bob   (gateway B): " + bobOnB);
    out.println("New calls: " + siteA + "/ (the form posts to CreateCall; owner key " + ownerKey + ")");
    String documents = firestoreDocuments(firestore, CloudConfig.fromEnv(cloud.processEnv()).projectId());
    out.println("The calls as the Firestore console shows them (the emulator's REST API; docs/operations.md):");
    out.println("  curl -s '" + documents + "/sessions'");
    out.println("  curl -s '" + documents + "/sessions/" + call.sessionId() + "/participants'");
    out.println("  curl -s '" + documents + "/gateways'");
    out.println("Logs: " + settings.logDir() + "   Press Ctrl+C to stop everything.");
    out.println();
    Thread.currentThread().join();
  }

  /** Where the Firestore emulator at {@code host} lists a project's documents over REST. */
  static String firestoreDocuments(String host, String project) {
    return "http://" + host + "/v1/projects/" + project + "/databases/(default)/documents";
  }
}
