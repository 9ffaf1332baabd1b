package dev.videocall.emulated;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The literal settings of one block of a Terraform file, so the emulated cloud creates its resources
 * from terraform/ itself rather than from a copy of its numbers. Reads only what the Pub/Sub
 * declarations use: one {@code name = value} per line, nested blocks ({@code retry_policy { … }}),
 * values that are numbers, booleans, strings with {@code ${var.x}} in them, {@code var.x} (the
 * variable's {@code default}) or {@code local.x} (its value in a {@code locals} block of any .tf file
 * beside it, read the same way); a multi-line value (a list) is skipped. Anything else asked for is an
 * error that names the file and the setting.
 */
final class TerraformBlock {
  private static final Pattern OPEN = Pattern.compile("^\\s*([A-Za-z_][\\w-]*)\\s*\\{\\s*$");
  private static final Pattern CLOSE = Pattern.compile("^\\s*}\\s*$");
  private static final Pattern SETTING = Pattern.compile("^\\s*([A-Za-z_][\\w-]*)\\s*=\\s*(.+?)\\s*$");
  private static final Pattern VARIABLE = Pattern.compile("var\\.([A-Za-z_]\\w*)");
  private static final Pattern LOCAL = Pattern.compile("local\\.([A-Za-z_]\\w*)");

  private final Path file;
  private final String header;
  /** Raw values by path: {@code ack_deadline_seconds}, {@code retry_policy.maximum_backoff}. */
  private final Map<String, String> raw;
  private final Path variables;

  private TerraformBlock(Path file, String header, Map<String, String> raw, Path variables) {
    this.file = file;
    this.header = header;
    this.raw = raw;
    this.variables = variables;
  }

  /**
   * The block that starts with {@code header} (as written, e.g. {@code resource
   * "google_pubsub_subscription" "router_push"}) in {@code file}; {@code var.x} is looked up in
   * variables.tf beside it.
   */
  static TerraformBlock read(Path file, String header) {
    return read(file, header, 0);
  }

  /** As {@link #read(Path, String)}, the first such block at or after line {@code from}. */
  private static TerraformBlock read(Path file, String header, int from) {
    List<String> all = lines(file);
    List<String> lines = all.subList(from, all.size());
    Map<String, String> raw = new LinkedHashMap<>();
    Deque<String> nesting = new ArrayDeque<>();
    boolean inside = false;
    boolean inList = false;
    for (String full : lines) {
      String line = withoutComment(full);
      if (!inside) {
        inside = line.strip().equals(header + " {");
        continue;
      }
      if (inList) {
        inList = !line.strip().endsWith("]");
        continue;
      }
      Matcher open = OPEN.matcher(line);
      Matcher setting = SETTING.matcher(line);
      if (open.matches()) {
        nesting.addLast(open.group(1));
      } else if (CLOSE.matcher(line).matches()) {
        if (nesting.isEmpty()) {
          return new TerraformBlock(file, header, raw, file.resolveSibling("variables.tf"));
        }
        nesting.removeLast();
      } else if (setting.matches()) {
        String value = setting.group(2);
        if (value.equals("{")) {
          nesting.addLast(setting.group(1)); // a map written over several lines: name = {
        } else if (value.startsWith("[") && !value.endsWith("]")) {
          inList = true;
        } else {
          nesting.addLast(setting.group(1));
          raw.put(String.join(".", nesting), value);
          nesting.removeLast();
        }
      }
    }
    throw new IllegalStateException(file + ": no complete block '" + header + " { … }'");
  }

  /** Whether the block has this setting. */
  boolean has(String path) {
    return raw.containsKey(path);
  }

  String string(String path) {
    String value = resolve(required(path));
    if (!value.startsWith("\"") || !value.endsWith("\"")) {
      throw new IllegalStateException(where(path) + " is not a string: " + value);
    }
    return value.substring(1, value.length() - 1);
  }

  long number(String path) {
    String value = resolve(required(path));
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalStateException(where(path) + " is not a whole number: " + value);
    }
  }

  boolean bool(String path) {
    String value = resolve(required(path));
    if (!value.equals("true") && !value.equals("false")) {
      throw new IllegalStateException(where(path) + " is not true or false: " + value);
    }
    return Boolean.parseBoolean(value);
  }

  /** A duration written as Terraform's Pub/Sub resources write them: {@code "600s"}. */
  long seconds(String path) {
    String value = string(path);
    if (!value.matches("\\d+s")) {
      throw new IllegalStateException(where(path) + " is not a duration in seconds (\"600s\"): " + value);
    }
    return Long.parseLong(value.substring(0, value.length() - 1));
  }

  private String required(String path) {
    String value = raw.get(path);
    if (value == null) {
      throw new IllegalStateException(where(path) + " is not set; the emulated cloud reads it from there");
    }
    return value;
  }

  /** A bare {@code var.x} becomes its default; in a string, each {@code ${var.x}} becomes its default. */
  private String resolve(String value) {
    Matcher bare = VARIABLE.matcher(value);
    if (bare.matches()) {
      return variableDefault(bare.group(1));
    }
    Matcher local = LOCAL.matcher(value);
    if (local.matches()) {
      return resolve(localValue(local.group(1)));
    }
    if (!value.startsWith("\"")) {
      return value;
    }
    Matcher inString = Pattern.compile("\\$\\{var\\.([A-Za-z_]\\w*)}").matcher(value);
    StringBuilder out = new StringBuilder();
    while (inString.find()) {
      inString.appendReplacement(out, Matcher.quoteReplacement(unquoted(variableDefault(inString.group(1)))));
    }
    return inString.appendTail(out).toString();
  }

  private String variableDefault(String name) {
    return read(variables, "variable \"" + name + "\"").required("default");
  }

  /** The value of {@code local.name}: its setting in one of the {@code locals} blocks of the folder. */
  private String localValue(String name) {
    try (var files = Files.list(file.toAbsolutePath().getParent())) {
      for (Path tf : files.filter(f -> f.toString().endsWith(".tf")).sorted().toList()) {
        List<String> lines = lines(tf);
        for (int i = 0; i < lines.size(); i++) {
          if (withoutComment(lines.get(i)).strip().equals("locals {")) {
            TerraformBlock locals = read(tf, "locals", i);
            if (locals.has(name)) {
              return locals.raw.get(name);
            }
          }
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot list the .tf files beside " + file, e);
    }
    throw new IllegalStateException(file + ": local." + name + " is set in no locals block beside it");
  }

  private static String unquoted(String value) {
    return value.startsWith("\"") && value.endsWith("\"") ? value.substring(1, value.length() - 1) : value;
  }

  private String where(String path) {
    return file + ": " + header + " → " + path;
  }

  /** The line up to a {@code #} or {@code //} comment that is not inside a string. */
  private static String withoutComment(String line) {
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '"' && (i == 0 || line.charAt(i - 1) != '\\')) {
        quoted = !quoted;
      } else if (!quoted && (c == '#' || line.startsWith("//", i))) {
        return line.substring(0, i);
      }
    }
    return line;
  }

  private static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + file + ": the emulated cloud creates its Pub/Sub resources from it", e);
    }
  }
}
