package io.meshscope.kit;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a stage's settings from {@code name -> value} (flags and environment, or a test's
 * {@code Map.of}): each read takes its setting out, so that what is left at the end is a typo and an
 * error rather than a silently ignored setting.
 */
public final class SettingsReader {

  private final Map<String, String> left;

  public SettingsReader(Map<String, String> settings) {
    this.left = new TreeMap<>(settings);
  }

  /** The value, or null when unset. */
  public String text(String name) {
    return left.remove(name);
  }

  /** The trimmed value, or {@code fallback} when unset or blank. */
  public String text(String name, String fallback) {
    String v = left.remove(name);
    return v == null || v.isBlank() ? fallback : v.trim();
  }

  public int integer(String name, int fallback) {
    String v = left.remove(name);
    if (v == null || v.isBlank()) {
      return fallback;
    }
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number, was '" + v + "'");
    }
  }

  public Duration duration(String name, Duration fallback) {
    String v = left.remove(name);
    return v == null || v.isBlank() ? fallback : Durations.require(v, name);
  }

  /** Takes every setting named {@code prefix + key}, as {@code key -> value}. */
  public Map<String, String> prefixed(String prefix) {
    Map<String, String> out = new TreeMap<>();
    left.entrySet().removeIf(e -> {
      if (e.getKey().startsWith(prefix)) {
        out.put(e.getKey().substring(prefix.length()), e.getValue());
        return true;
      }
      return false;
    });
    return out;
  }

  /** Fails naming the settings nobody read: {@code unknown <stage> settings: [...]}. */
  public void requireAllRead(String stage) {
    if (!left.isEmpty()) {
      throw new IllegalArgumentException("unknown " + stage + " settings: " + left.keySet());
    }
  }
}
