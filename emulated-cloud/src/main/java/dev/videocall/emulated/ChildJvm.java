package dev.videocall.emulated;

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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Java child process (gateway, invoker or embedded default) with its output in LOG_DIR/NAME.log. Asked for port 0,
 * the process binds any free port and {@link #awaitHttp} reads which from its log: choosing a free
 * port here and handing it over races every other process on the machine.
 */
public final class ChildJvm implements AutoCloseable {
  /** "gateway started" with its port (GatewayMain), or the invoker's Jetty connector "{0.0.0.0:PORT}". */
  private static final Pattern BOUND_PORT =
      Pattern.compile("\"message\":\"gateway started\".*?\"port\":(\\d+)|Started oejs\\.ServerConnector@\\w+\\{[^}]*\\}\\{[^}]*:(\\d+)\\}");

  public final String name;
  /** The port, once known (at once when chosen by the caller, after {@link #awaitHttp} otherwise). */
  public volatile int port;
  /** When the process was launched ({@code System.currentTimeMillis()}): what start-up figures count from. */
  public final long launchedAtMillis;
  private final Process process;
  private final Path log;

  private ChildJvm(String name, int port, Process process, Path log, long launchedAtMillis) {
    this.name = name;
    this.port = port;
    this.process = process;
    this.log = log;
    this.launchedAtMillis = launchedAtMillis;
  }

  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  public static ChildJvm start(String name, List<String> args, Map<String, String> env, int port, Path logDir) throws IOException {
    return start(name, args, env, port, logDir, null);
  }

  /**
   * As {@link #start(String, List, Map, int, Path)}, on the CPUs {@code cpus} names ({@code taskset -c}
   * list, e.g. "1" or "0-1"; null for any): taskset replaces itself with the JVM, so the pid is the JVM's.
   */
  public static ChildJvm start(String name, List<String> args, Map<String, String> env, int port, Path logDir, String cpus)
      throws IOException {
    List<String> command = new ArrayList<>();
    if (cpus != null) {
      command.addAll(List.of("taskset", "-c", cpus));
    }
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(args);
    Files.createDirectories(logDir);
    Path log = logDir.resolve(name + ".log");
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(env);
    pb.environment().put("PORT", Integer.toString(port));
    long launched = System.currentTimeMillis();
    return new ChildJvm(name, port, pb.start(), log, launched);
  }

  /**
   * Starts a function class under the Functions Framework invoker, as the functions image does; JVM
   * options may travel in {@code JAVA_TOOL_OPTIONS}.
   */
  public static ChildJvm invoker(Deployables jars, String name, String target, Map<String, String> env, Path logDir)
      throws IOException {
    return invoker(jars, name, target, env, logDir, List.of(), null);
  }

  /**
   * As {@link #invoker(Deployables, String, String, Map, Path)}, with these JVM options before the
   * invoker's jar, on the CPUs {@code cpus} names (null: any).
   */
  public static ChildJvm invoker(
      Deployables jars, String name, String target, Map<String, String> env, Path logDir, List<String> jvmOptions, String cpus)
      throws IOException {
    List<String> args = new ArrayList<>(jvmOptions);
    args.addAll(List.of("-jar", jars.invokerJar().toString(), "--classpath", jars.functionsJar().toString(), "--target", target, "--port", "0"));
    return start(name, args, env, 0, logDir, cpus);
  }

  /** Starts the cloud gateway (gateway-gcp's runnable jar) on {@code port} (0: any free one). */
  public static ChildJvm gateway(Deployables jars, String name, Map<String, String> env, int port, Path logDir) throws IOException {
    return gateway(jars, name, env, port, logDir, null);
  }

  /** As {@link #gateway(Deployables, String, Map, int, Path)}, on the CPUs {@code cpus} names (null: any). */
  public static ChildJvm gateway(Deployables jars, String name, Map<String, String> env, int port, Path logDir, String cpus)
      throws IOException {
    Map<String, String> withId = new java.util.HashMap<>(env);
    withId.put("GATEWAY_ID", name);
    return start(name, List.of("-jar", jars.gatewayJar().toString()), withId, port, logDir, cpus);
  }

  /** Starts the embedded default (local's runnable jar) with these JVM options. */
  public static ChildJvm local(Path localJar, String name, List<String> jvmOptions, Map<String, String> env, int port, Path logDir)
      throws IOException {
    List<String> args = new ArrayList<>(jvmOptions);
    args.addAll(List.of("-jar", localJar.toString()));
    return start(name, args, env, port, logDir);
  }

  /** Waits until the process has bound its port (and, for port 0, learns which); returns it. */
  public int awaitPort(int timeoutSeconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    while (port == 0) {
      if (!process.isAlive()) {
        throw new AssertionError(name + " exited with " + process.exitValue() + ":\n" + tail());
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(name + " did not report its port within " + timeoutSeconds + " s:\n" + tail());
      }
      Matcher m = BOUND_PORT.matcher(Files.exists(log) ? Files.readString(log) : "");
      if (m.find()) {
        port = Integer.parseInt(m.group(1) != null ? m.group(1) : m.group(2));
      } else {
        Thread.sleep(20);
      }
    }
    return port;
  }

  public Path log() {
    return log;
  }

  /** Waits until GET path answers (any status below 500 for invokers, 200 for /healthz). */
  public ChildJvm awaitHttp(String path, int timeoutSeconds) throws Exception {
    return awaitAnswer(path, timeoutSeconds, r -> r.statusCode() < 500, "answer " + path);
  }

  /**
   * Waits until a cloud gateway is ready: {@code /healthz} answers {@code ok}, not {@code starting}
   * (it serves its page before its clouds are connected; sockets opened meanwhile wait).
   */
  public ChildJvm awaitReady(int timeoutSeconds) throws Exception {
    return awaitAnswer("/healthz", timeoutSeconds, r -> r.statusCode() == 200 && r.body().equals("ok"), "become ready");
  }

  private ChildJvm awaitAnswer(String path, int timeoutSeconds, java.util.function.Predicate<HttpResponse<String>> enough, String what)
      throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    awaitPort(timeoutSeconds);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError(name + " exited with " + process.exitValue() + ":\n" + tail());
      }
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
        if (enough.test(r)) {
          return this;
        }
      } catch (IOException notYet) {
        // still starting
      }
      Thread.sleep(50);
    }
    throw new AssertionError(name + " did not " + what + " within " + timeoutSeconds + " s:\n" + tail());
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
    Matcher used = Pattern.compile("heap\\b[^\\n]*?used (\\d+)K").matcher(info);
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
    stop(10);
  }

  /**
   * SIGTERM, then up to {@code seconds} to finish shutting down (a runner stops its own children
   * first), then SIGKILL.
   */
  public void stop(int seconds) throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }
}
