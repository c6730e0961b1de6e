package io.meshscope.schemas;

/**
 * Makes untrusted values (hosts, names and headers from logs, values from config files, payload
 * previews) safe to put into messages, logs and summaries: one line, no control characters, bounded
 * length. Every stage shows attacker-controlled text through this one rule.
 */
public final class SafeText {
  public static final int MAX_CHARS = 80;

  private SafeText() {}

  /**
   * C0 and C1 controls, DEL, and the Unicode line and paragraph separators: anything that could
   * forge a log line or drive a terminal.
   */
  public static boolean isControl(char c) {
    return Character.isISOControl(c) || c == '\u2028' || c == '\u2029';
  }

  public static boolean hasControl(String value) {
    // The receiver checks every string of every entry: printable ASCII is decided by two compares.
    for (int i = 0, n = value.length(); i < n; i++) {
      char c = value.charAt(i);
      if (c < 0x20 || (c >= 0x7f && isControl(c))) {
        return true;
      }
    }
    return false;
  }

  /** The value in single quotes, control characters escaped, cut at {@link #MAX_CHARS}. */
  public static String quoted(String value) {
    return value == null ? "null" : "'" + escaped(value) + "'";
  }

  public static String escaped(String value) {
    return escaped(value, MAX_CHARS);
  }

  /** Control characters as {@code \\uXXXX}; past {@code maxChars} characters, the length instead. */
  public static String escaped(String value, int maxChars) {
    if (value == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder();
    int shown = 0;
    for (int i = 0; i < value.length() && shown < maxChars; i++, shown++) {
      appendEscaped(out, value.charAt(i));
    }
    if (value.length() > shown) {
      out.append("...(").append(value.length()).append(" chars)");
    }
    return out.toString();
  }

  public static void appendEscaped(StringBuilder out, char c) {
    if (isControl(c)) {
      out.append(String.format("\\u%04x", (int) c));
    } else {
      out.append(c);
    }
  }
}
