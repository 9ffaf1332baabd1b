package dev.videocall.bench;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Moves running processes onto a CPU set with {@code taskset -a -p}: every thread of the process and
 * of its descendants (a thread started later inherits its creator's set). For what the benchmarks
 * did not start themselves: this JVM, and the emulators that scripts/emulators started.
 */
final class Cpus {
  private Cpus() {}

  /** Every CPU of this machine, as a taskset list. */
  static String all() {
    return "0-" + (Runtime.getRuntime().availableProcessors() - 1);
  }

  /** Puts {@code process} and its descendants on {@code cpus}. */
  static void pin(ProcessHandle process, String cpus) throws IOException, InterruptedException {
    for (ProcessHandle p : Stream.concat(Stream.of(process), process.descendants()).toList()) {
      Process taskset = new ProcessBuilder("taskset", "-a", "-p", "-c", cpus, Long.toString(p.pid()))
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!taskset.waitFor(10, TimeUnit.SECONDS) || taskset.exitValue() != 0) {
        throw new IllegalStateException("taskset could not move process " + p.pid() + " to CPUs " + cpus);
      }
    }
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
