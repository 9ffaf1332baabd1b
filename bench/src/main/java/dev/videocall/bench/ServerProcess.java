package dev.videocall.bench;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A server under test in its own process, so its memory and CPU are its own. */
final class ServerProcess implements AutoCloseable {
  final String name;
  final int port;
  final Process process;
  final long startedNanos;

  private ServerProcess(String name, int port, Process process, long startedNanos) {
    this.name = name;
    this.port = port;
    this.process = process;
    this.startedNanos = startedNanos;
  }

  static ServerProcess start(String name, List<String> command, Map<String, String> env, int port, Path logDir)
      throws IOException {
    return start(name, command, env, port, logDir, null);
  }

  /** As above, pinned to the CPUs {@code cpu} names (taskset's list) unless it is null. */
  static ServerProcess start(String name, List<String> command, Map<String, String> env, int port, Path logDir, String cpu)
      throws IOException {
    Files.createDirectories(logDir);
    List<String> pinned = new java.util.ArrayList<>();
    if (cpu != null) {
      // taskset execs the command, so the pid stays the server's own.
      pinned.addAll(List.of("taskset", "-c", cpu));
    }
    pinned.addAll(command);
    ProcessBuilder pb = new ProcessBuilder(pinned);
    pb.environment().putAll(env);
    pb.redirectErrorStream(true);
    pb.redirectOutput(logDir.resolve(name + ".log").toFile());
    long started = System.nanoTime();
    return new ServerProcess(name, port, pb.start(), started);
  }

  long pid() {
    return process.pid();
  }

  /** Waits until {@code GET path} answers (any status). */
  ServerProcess awaitHttp(String path, int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with " + process.exitValue() + " (see its log)");
      }
      try {
        HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + path).toURL().openConnection();
        c.setConnectTimeout(200);
        c.getResponseCode();
        c.disconnect();
        return this;
      } catch (IOException notYet) {
        Thread.sleep(20);
      }
    }
    throw new IllegalStateException(name + " did not answer on port " + port + " within " + seconds + " s");
  }

  /** Resident set size from /proc, in KiB. */
  long residentKib() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid() + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IOException("no VmRSS for " + pid());
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }

  /** Runs a JDK tool (jcmd, jfr) to its end; its output lines, or an exception naming its exit code. */
  static List<String> command(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    List<String> lines = new String(p.getInputStream().readAllBytes()).lines().toList();
    if (p.waitFor() != 0) {
      throw new IllegalStateException(command + " exited with " + p.exitValue() + ": " + lines);
    }
    return lines;
  }
}
