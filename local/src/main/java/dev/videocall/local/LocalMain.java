package dev.videocall.local;

import com.google.gson.JsonParser;
import dev.videocall.core.CallsApi;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar videocall-local.jar}: starts the embedded stack and prints two ready-to-open links
 * (names from {@code CALL_USERS}, default {@code alice,bob}). With {@code BACKEND=gcp} it runs the
 * gateway alone against Pub/Sub and Firestore (real ones, or the emulators named by
 * {@code PUBSUB_EMULATOR_HOST} and {@code FIRESTORE_EMULATOR_HOST}).
 */
public final class LocalMain {
  private static final Logger log = LoggerFactory.getLogger(LocalMain.class);

  private LocalMain() {}

  public static void main(String[] args) throws Exception {
    var env = System.getenv();
    if ("gcp".equalsIgnoreCase(env.getOrDefault("BACKEND", "memory"))) {
      // Cloud mode: only the gateway runs here; the functions run under the invoker or on Cloud Functions.
      dev.videocall.gateway.gcp.GatewayMain.main(args);
      return;
    }
    LocalStack stack = LocalStack.start(env);
    Runtime.getRuntime().addShutdownHook(new Thread(stack::close, "shutdown"));

    String[] users = env.getOrDefault("CALL_USERS", "alice,bob").split(",", 2);
    String request = "{\"users\":[\"" + users[0].trim() + "\",\"" + (users.length > 1 ? users[1].trim() : "bob") + "\"]}";
    CallsApi.Response call = stack.callsApi().create(request, stack.baseUrl());
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    out.println();
    out.println("Video call server on " + stack.baseUrl() + "  (new calls: " + stack.baseUrl() + "/)");
    if (call.status() == 200) {
      var links = JsonParser.parseString(call.json()).getAsJsonObject().getAsJsonObject("links");
      out.println("Open these two links, one per browser tab or device:");
      links.entrySet().forEach(e -> out.println("  " + e.getKey() + ": " + e.getValue().getAsString()));
    } else {
      out.println("Could not create the starter call: " + call.json());
    }
    if (stack.signingKeyGenerated()) {
      out.println("(links are signed with a key made for this run: they stop working when it stops;"
          + " set INVITE_SIGNING_KEYS to keep them)");
    }
    out.println("Press Ctrl+C to stop.");
    out.println();
    log.atInfo().addKeyValue("port", stack.port()).addKeyValue("gatewayId", stack.gateway().gatewayId()).log("local stack started");
    Thread.currentThread().join();
  }
}
