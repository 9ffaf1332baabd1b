package dev.videocall.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The JVM options the embedded default runs with: {@code local/jvm.options}, the file scripts/run
 * reads, so what is measured is what runs. One option per line; {@code #} starts a comment;
 * {@code {target}} stands for the folder of the jar that runs: here {@code local/target}, which the
 * bench does not rebuild while it runs (scripts/run runs a copy in {@code local/target/run}).
 */
final class EmbeddedOptions {
  private EmbeddedOptions() {}

  static List<String> read(Path root) throws IOException {
    // BENCH_JVM_OPTIONS names another file, to measure other options (an empty file: the JVM's defaults).
    String other = System.getenv("BENCH_JVM_OPTIONS");
    Path file = other != null ? Path.of(other) : root.resolve("local/jvm.options");
    List<String> options = new ArrayList<>();
    if (!Files.exists(file)) {
      return options;
    }
    for (String line : Files.readAllLines(file)) {
      String option = line.replaceAll("#.*", "").trim();
      if (!option.isEmpty()) {
        options.add(option.replace("{target}", root.resolve("local/target").toString()));
      }
    }
    return options;
  }
}
