package dev.videocall.contract;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Typed reads from an environment map, with a message naming the variable when a value is wrong.
 * Each process's one config record (GatewayConfig, CoreConfig, CloudConfig) reads through this.
 */
public final class EnvValues {
  private EnvValues() {}

  public static int intValue(Map<String, String> env, String name, int fallback) {
    String v = env.get(name);
    if (v == null || v.isBlank()) {
      return fallback;
    }
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number, got: " + v);
    }
  }

  public static double doubleValue(Map<String, String> env, String name, double fallback) {
    String v = env.get(name);
    if (v == null || v.isBlank()) {
      return fallback;
    }
    try {
      return Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a number, got: " + v);
    }
  }

  /** A comma-separated list, blanks dropped. */
  public static List<String> list(String csv) {
    return csv == null ? List.of() : Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  /** The value, or null when unset or blank. */
  public static String optional(Map<String, String> env, String name) {
    String v = env.get(name);
    return v == null || v.isBlank() ? null : v.trim();
  }
}
