package dev.videocall.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Moves running processes onto a CPU set with {@code taskset -a -p}: every thread of the process and
 * of its descendants (a thread started later inherits its creator's set). For what the benchmarks
 * did not start themselves: this JVM, and the emulators that scripts/emulators started.
 */
final class Cpus {
  /**
   * How often one process is tried again when one of its threads exited while taskset moved them:
   * taskset stops at the first thread it cannot move, so the rest would stay where they were.
   */
  private static final int ATTEMPTS = 3;

  private Cpus() {}

  /**
   * Every CPU of this machine, as a taskset list. Read from the kernel, not from this JVM's
   * available processors, which count only the CPUs it has been pinned to.
   */
  static String all() {
    try {
      return Files.readString(Path.of("/sys/devices/system/cpu/online")).trim();
    } catch (IOException e) {
      return "0-" + (Runtime.getRuntime().availableProcessors() - 1);
    }
  }

  /**
   * Puts {@code process} and its descendants on {@code cpus}; returns the pids it skipped because they
   * had exited (a process that ends while it is moved has nothing left to move). Any other failure
   * of taskset throws.
   */
  static List<Long> pin(ProcessHandle process, String cpus) throws IOException, InterruptedException {
    List<Long> gone = new ArrayList<>();
    for (ProcessHandle p : Stream.concat(Stream.of(process), process.descendants()).toList()) {
      if (!moved(p, cpus)) {
        gone.add(p.pid());
      }
    }
    return gone;
  }

  /** Moves one process's threads; false if it exited before they could all be moved. */
  private static boolean moved(ProcessHandle p, String cpus) throws IOException, InterruptedException {
    for (int attempt = 1; ; attempt++) {
      Process taskset = new ProcessBuilder("taskset", "-a", "-p", "-c", cpus, Long.toString(p.pid()))
          .redirectErrorStream(true).start();
      String output = new String(taskset.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!taskset.waitFor(10, TimeUnit.SECONDS)) {
        taskset.destroyForcibly();
        throw new IllegalStateException("taskset did not move process " + p.pid() + " to CPUs " + cpus + " within 10 s");
      }
      if (taskset.exitValue() == 0) {
        return true;
      }
      if (!vanished(output)) {
        throw new IllegalStateException("taskset could not move process " + p.pid() + " to CPUs " + cpus + ": " + output.trim());
      }
      if (!p.isAlive()) {
        return false;
      }
      if (attempt == ATTEMPTS) {
        throw new IllegalStateException("taskset could not move process " + p.pid() + " to CPUs " + cpus + " in " + ATTEMPTS
            + " attempts (its threads kept exiting): " + output.trim());
      }
    }
  }

  /**
   * Whether taskset failed only because a process or thread it was moving had exited: util-linux
   * reports "failed to get (or set) pid N's affinity: No such process" (ESRCH).
   */
  static boolean vanished(String tasksetOutput) {
    return tasksetOutput.lines().anyMatch(l -> l.contains("affinity") && l.endsWith("No such process"));
  }

  /**
   * The processes of the emulator listening on {@code hostPort} (host:port): its command line names the
   * port ({@code --port=P} or {@code --host-port=H:P}, as scripts/emulators starts both).
   */
  static List<ProcessHandle> emulator(String hostPort) {
    String port = hostPort.substring(hostPort.lastIndexOf(':') + 1);
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine()
            .map(c -> c.contains("emulator") && (c.contains("--port=" + port) || c.contains("--host-port=127.0.0.1:" + port)))
            .orElse(false))
        .toList();
  }
}
