package dev.videocall.testkit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Pub/Sub emulator of a test's own, started with fault-injection flags (tools/pstest/main.go lists
 * them), from the binary scripts/emulators builds. Skips the test, visibly, where that binary is missing.
 */
public final class PrivatePstest implements AutoCloseable {
  private static final String READY = "pstest listening on ";

  private final Process process;
  /** host:port, for PUBSUB_EMULATOR_HOST. */
  public final String host;

  private PrivatePstest(Process process, String host) {
    this.process = process;
    this.host = host;
  }

  public static PrivatePstest start(String... flags) throws IOException {
    Path binary = Path.of("..", ".emulators", "bin", "pstest").toAbsolutePath().normalize();
    assumeTrue(Files.isExecutable(binary), "no pstest binary at " + binary + ": run scripts/emulators start (README's test command does)");
    List<String> command = new ArrayList<>(List.of(binary.toString(), "-port", "0"));
    command.addAll(List.of(flags));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String ready = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)).readLine();
    if (ready == null || !ready.startsWith(READY)) {
      process.destroyForcibly();
      throw new IllegalStateException("pstest did not start; it said: " + ready);
    }
    return new PrivatePstest(process, ready.substring(READY.length()).trim());
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
