package dev.videocall.contract.config;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Typed reads from an environment map, with a message naming the variable when a value is wrong.
 * Every process reads its environment once, in its main class or wiring, and hands the map to its
 * config records, which read through this. The one unit convention: durations are {@code *_SECONDS}
 * (decimals allowed, e.g. {@code 0.5}).
 */
public final class EnvValues {
  private EnvValues() {}

  public static int intValue(Map<String, String> env, String name, int fallback) {
    String v = optional(env, name);
    if (v == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number, got: " + v);
    }
  }

  public static double doubleValue(Map<String, String> env, String name, double fallback) {
    String v = optional(env, name);
    if (v == null) {
      return fallback;
    }
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a number, got: " + v);
    }
  }

  /** A duration given in seconds ({@code NAME_SECONDS}), decimals allowed; must not be negative. */
  public static Duration seconds(Map<String, String> env, String name, Duration fallback) {
    if (!name.endsWith("_SECONDS")) {
      throw new IllegalArgumentException("durations are read from *_SECONDS variables, not " + name);
    }
    String v = optional(env, name);
    if (v == null) {
      return fallback;
    }
    double seconds;
    try {
      seconds = Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a number of seconds, got: " + v);
    }
    if (seconds < 0 || Double.isNaN(seconds) || Double.isInfinite(seconds)) {
      throw new IllegalArgumentException(name + " must be a non-negative number of seconds, got: " + v);
    }
    return Duration.ofNanos(Math.round(seconds * 1e9));
  }

  /** {@code true} or {@code false} (any case); anything else is an error rather than a silent false. */
  public static boolean bool(Map<String, String> env, String name, boolean fallback) {
    String v = optional(env, name);
    if (v == null) {
      return fallback;
    }
    if (v.equalsIgnoreCase("true")) {
      return true;
    }
    if (v.equalsIgnoreCase("false")) {
      return false;
    }
    throw new IllegalArgumentException(name + " must be true or false, got: " + v);
  }

  /** The value, or {@code fallback} when unset or blank. */
  public static String string(Map<String, String> env, String name, String fallback) {
    String v = optional(env, name);
    return v == null ? fallback : v;
  }

  /** A comma-separated list, blanks dropped; {@code fallback} when the variable is unset. */
  public static List<String> list(Map<String, String> env, String name, List<String> fallback) {
    String v = env.get(name);
    if (v == null) {
      return fallback;
    }
    return Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  /** The value, or null when unset or blank. */
  public static String optional(Map<String, String> env, String name) {
    String v = env.get(name);
    return v == null || v.isBlank() ? null : v.trim();
  }
}
