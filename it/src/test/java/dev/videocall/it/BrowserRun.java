package dev.videocall.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** A run of one of e2e/'s browser tests with node, as the emulated-cloud tests start them. */
final class BrowserRun {
  private BrowserRun() {}

  /**
   * {@code node --test} of one file in e2e/, its output and errors merged; the calling test is skipped
   * when e2e/'s packages or Debian's Chromium are missing.
   */
  static ProcessBuilder of(String file) {
    Path e2e = Path.of("..", "e2e").toAbsolutePath().normalize();
    assumeTrue(Files.isDirectory(e2e.resolve("node_modules/playwright-core")),
        "e2e/node_modules is missing: README's test command installs it (npm ci in e2e/)");
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/chromium")), "Debian's chromium is not installed");
    return new ProcessBuilder("node", "--test", "--test-reporter=spec", file).directory(e2e.toFile()).redirectErrorStream(true);
  }
}
