package dev.videocall.testkit;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A Java child process (gateway, invoker or embedded default) with its output in target/it-logs/NAME.log. */
public final class ChildJvm implements AutoCloseable {
  public final String name;
  public final int port;
  private final Process process;
  private final Path log;

  private ChildJvm(String name, int port, Process process, Path log) {
    this.name = name;
    this.port = port;
    this.process = process;
    this.log = log;
  }

  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  public static ChildJvm start(String name, List<String> args, Map<String, String> env, int port) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(args);
    Path logDir = Path.of("target", "it-logs");
    Files.createDirectories(logDir);
    Path log = logDir.resolve(name + ".log");
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(env);
    pb.environment().put("PORT", Integer.toString(port));
    return new ChildJvm(name, port, pb.start(), log);
  }

  /** Starts a function class under the Functions Framework invoker, as Cloud Functions gen2 does. */
  public static ChildJvm invoker(String name, String target, Map<String, String> env) throws IOException {
    int port = freePort();
    String invokerJar = requiredFile("invoker.jar");
    String functionsJar = requiredFile("functions.jar");
    return start(name, List.of("-jar", invokerJar, "--classpath", functionsJar, "--target", target, "--port", Integer.toString(port)), env, port);
  }

  /** Starts the cloud gateway (gateway-gcp's runnable jar) against the emulators. */
  public static ChildJvm gateway(String name, Map<String, String> env) throws IOException {
    Map<String, String> withId = new java.util.HashMap<>(env);
    withId.put("GATEWAY_ID", name);
    return start(name, List.of("-jar", requiredFile("gateway.jar")), withId, freePort());
  }

  /** Starts the embedded default (local's runnable jar) with these JVM options. */
  public static ChildJvm local(String name, List<String> jvmOptions, Map<String, String> env) throws IOException {
    List<String> args = new ArrayList<>(jvmOptions);
    args.addAll(List.of("-jar", requiredFile("local.jar")));
    return start(name, args, env, freePort());
  }

  private static String requiredFile(String property) {
    String path = System.getProperty(property);
    if (path == null || !new File(path).isFile()) {
      throw new IllegalStateException(property + " not found at " + path + "; build with mvn verify from the top");
    }
    return path;
  }

  /** Waits until GET path answers (any status below 500 for invokers, 200 for /healthz). */
  public ChildJvm awaitHttp(String path, int timeoutSeconds) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError(name + " exited with " + process.exitValue() + ":\n" + tail());
      }
      try {
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET().build(),
            HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() < 500) {
          return this;
        }
      } catch (IOException notYet) {
        // still starting
      }
      Thread.sleep(100);
    }
    throw new AssertionError(name + " did not answer " + path + " within " + timeoutSeconds + " s:\n" + tail());
  }

  public String tail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  /** Every line the process has written so far. */
  public List<String> logLines() throws IOException {
    return Files.readAllLines(log);
  }

  public long pid() {
    return process.pid();
  }

  /**
   * The heap in use after full collections, in bytes, as {@code jcmd} reports it: two
   * {@code GC.run} (System.gc(), a full collection unless the process disables explicit GC), then
   * {@code GC.heap_info}'s "used".
   */
  public long heapUsedAfterFullGc() throws IOException, InterruptedException {
    jcmd("GC.run");
    jcmd("GC.run");
    String info = jcmd("GC.heap_info");
    java.util.regex.Matcher used = java.util.regex.Pattern.compile("heap\\b[^\\n]*?used (\\d+)K").matcher(info);
    if (!used.find()) {
      throw new IllegalStateException("no heap figure in jcmd GC.heap_info:\n" + info);
    }
    return Long.parseLong(used.group(1)) * 1024;
  }

  private String jcmd(String command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(process.pid()), command)
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("jcmd " + command + " failed:\n" + out);
    }
    return out;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Waits for the process to end by itself; returns its exit status. */
  public int awaitExit(int timeoutSeconds) throws InterruptedException {
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      throw new AssertionError(name + " still running after " + timeoutSeconds + " s:\n" + tail());
    }
    return process.exitValue();
  }

  /** SIGKILL: the instance vanishes without closing anything. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** SIGTERM, as Cloud Run sends; returns how long the process took to exit. */
  public long terminateMillis() throws InterruptedException {
    long start = System.nanoTime();
    process.destroy();
    if (!process.waitFor(15, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(name + " did not exit within 15 s of SIGTERM");
    }
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }
}
