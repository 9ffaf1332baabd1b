package dev.videocall.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A script of bench/node driving headless Chromium over call links (LINKS_FILE: [[linkA, linkB], ...]),
 * one call at a time: ProductionModel's cloud-call.mjs, QuietDayModel's first-call.mjs. In cold mode the
 * script says "ready" once its browser is up and waits for a line on stdin, which is t0.
 */
final class BrowserRun {
  private final String script;
  private final Process node;
  private final BufferedReader out;
  private final StringBuilder log = new StringBuilder();

  private BrowserRun(String script, Process node) {
    this.script = script;
    this.node = node;
    this.out = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
  }

  /**
   * @param script under bench/node
   * @param env the script's settings (MODE, …)
   * @param cpus taskset's CPU list for node and its browser, or null for any
   */
  static BrowserRun start(Path root, String script, List<String[]> links, Map<String, String> env, String cpus) throws Exception {
    Path file = Files.createTempFile("model-links", ".json");
    StringBuilder json = new StringBuilder("[");
    for (String[] l : links) {
      json.append(json.length() > 1 ? "," : "").append("[\"").append(l[0]).append("\",\"").append(l[1]).append("\"]");
    }
    Files.writeString(file, json.append(']').toString());
    List<String> command = new ArrayList<>();
    if (cpus != null) {
      command.addAll(List.of("taskset", "-c", cpus));
    }
    command.addAll(List.of("node", root.resolve("bench/node").resolve(script).toString()));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("LINKS_FILE", file.toString());
    pb.environment().putAll(env);
    return new BrowserRun(script, pb.start());
  }

  /** Cold mode: waits for the browser to be up, then says go (t0). */
  void go() throws Exception {
    for (String line; (line = out.readLine()) != null; ) {
      log.append(line).append('\n');
      if (line.equals("ready")) {
        node.getOutputStream().write("go\n".getBytes(StandardCharsets.UTF_8));
        node.getOutputStream().flush();
        return;
      }
    }
    throw new IllegalStateException(script + " ended before it was ready:\n" + log);
  }

  /** What follows {@code prefix} on each line that starts with it, once the script ended well. */
  List<String> results(String prefix) throws Exception {
    List<String> found = new ArrayList<>();
    for (String line; (line = out.readLine()) != null; ) {
      log.append(line).append('\n');
      if (line.startsWith(prefix)) {
        found.add(line.substring(prefix.length()).trim());
      }
    }
    if (!node.waitFor(60, TimeUnit.SECONDS) || node.exitValue() != 0) {
      throw new IllegalStateException(script + " failed:\n" + log);
    }
    return found;
  }
}
