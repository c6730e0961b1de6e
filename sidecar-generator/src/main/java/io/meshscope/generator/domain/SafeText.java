package io.meshscope.generator.domain;

/**
 * Makes untrusted values (hosts, roles and names from logs, values from a config file) safe to put
 * into messages and summaries: one line, no control characters, bounded length.
 */
final class SafeText {
  static final int MAX_CHARS = 80;

  private SafeText() {}

  /** The value in single quotes, control characters escaped, cut at {@link #MAX_CHARS}. */
  static String quoted(String value) {
    return value == null ? "null" : "'" + escaped(value) + "'";
  }

  static String escaped(String value) {
    StringBuilder out = new StringBuilder();
    int shown = 0;
    for (int i = 0; i < value.length() && shown < MAX_CHARS; i++, shown++) {
      char c = value.charAt(i);
      if (c < 0x20 || c == 0x7f || Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    if (value.length() > shown) {
      out.append("...(").append(value.length()).append(" chars)");
    }
    return out.toString();
  }
}
