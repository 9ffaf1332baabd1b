package dev.videocall.local;

import dev.videocall.core.CallCreator;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar videocall-local.jar}: starts the embedded stack and prints two ready-to-open links.
 * The one place this process reads its environment ({@link LocalConfig}).
 */
public final class LocalMain {
  private static final Logger log = LoggerFactory.getLogger(LocalMain.class);

  private LocalMain() {}

  public static void main(String[] args) throws Exception {
    LocalConfig config = LocalConfig.fromEnv(System.getenv());
    warmUp(config.warmUpMessages(), config.gateway().port());
    LocalStack stack = LocalStack.start(config);
    Runtime.getRuntime().addShutdownHook(new Thread(stack::close, "shutdown"));

    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    out.println();
    out.println("Video call server on " + stack.baseUrl() + "  (new calls: " + stack.baseUrl() + "/)");
    try {
      CallCreator.CreatedCall call = stack.callCreator().create(config.callUsers(), stack.baseUrl());
      out.println("Open these two links, one per browser tab or device:");
      call.links().forEach((user, link) -> out.println("  " + user + ": " + link));
    } catch (CallCreator.InvalidCallRequest e) {
      out.println("Could not create the starter call (CALL_USERS): " + e.getMessage());
    }
    if (config.ownerKeyGenerated()) {
      // Printed here once, for the person who started the server; never logged.
      out.println("New calls from this machine need no key; from another device (a phone) the page asks for the");
      out.println("owner key of this run: " + config.ownerKey() + "   (set OWNER_KEY to choose your own)");
    } else {
      out.println("New calls from another device need the owner key you configured (OWNER_KEY).");
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

  /** Compiles the relay path before the port opens when asked (RelayWarmUp); a failure costs only the warm-up. */
  private static void warmUp(int messages, int realPort) {
    if (messages <= 0) {
      return;
    }
    try {
      RelayWarmUp.Result r = RelayWarmUp.run(messages, realPort);
      log.atInfo()
          .addKeyValue("messages", r.messages())
          .addKeyValue("millis", r.took().toMillis())
          .addKeyValue("complete", r.complete())
          .addKeyValue("settled", r.settled())
          .log("relay warmed up");
    } catch (Exception e) {
      log.atWarn().setCause(e).log("relay warm-up failed; starting without it");
    }
  }
}
