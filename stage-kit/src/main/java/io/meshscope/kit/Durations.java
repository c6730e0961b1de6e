package io.meshscope.kit;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How every meshscope setting writes a duration: {@code 90s}, {@code 10m}, {@code 2h}, {@code 1d},
 * or ISO-8601 ({@code PT10M}, {@code P7D}). One syntax for flags, environment and config files.
 */
public final class Durations {
  private Durations() {}

  private static final Pattern SHORT = Pattern.compile("(\\d{1,9})(s|m|h|d)");

  /** The duration, or empty when {@code text} is not one (negative ones included). */
  public static Optional<Duration> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    String t = text.trim();
    Matcher m = SHORT.matcher(t);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return Optional.of(switch (m.group(2)) {
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      });
    }
    if (t.startsWith("P") || t.startsWith("p")) {
      try {
        Duration d = Duration.parse(t.toUpperCase(Locale.ROOT));
        return d.isNegative() ? Optional.empty() : Optional.of(d);
      } catch (DateTimeParseException e) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  /** Like {@link #parse}, failing with a message that names the setting. */
  public static Duration require(String text, String setting) {
    return parse(text).orElseThrow(() -> new IllegalArgumentException(setting
        + " must be a duration such as 90s, 10m, 2h, 1d or PT10M, was '" + text + "'"));
  }
}
