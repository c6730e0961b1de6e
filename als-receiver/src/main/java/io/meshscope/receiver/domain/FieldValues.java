package io.meshscope.receiver.domain;

import io.meshscope.schemas.SafeText;
import java.util.List;

/**
 * Checks on values taken from log entries, which the caller of a proxy controls (headers) or which a
 * hostile client of the receiver can forge (everything). A value that fails is not kept: the record
 * carries a flag instead, and the rejection is counted.
 */
public final class FieldValues {
  private FieldValues() {}

  /** A DNS name is at most 253 characters; with a port and brackets an authority stays well below this. */
  public static final int MAX_AUTHORITY = 300;
  /** Paths are evidence for people only; longer ones are cut, not refused. */
  public static final int MAX_PATH = 1024;
  /** Cluster names, route names, SANs, metadata values. */
  public static final int MAX_FIELD = 512;

  /** The value, or null when it must be refused; the reason is added to {@code rejections}. */
  public static String checked(String value, int max, Rejection tooLong, List<Rejection> rejections) {
    if (value == null || value.isEmpty()) {
      return null;
    }
    if (value.length() > max) {
      rejections.add(tooLong);
      return null;
    }
    if (hasControlCharacters(value)) {
      rejections.add(Rejection.CONTROL_CHARACTERS);
      return null;
    }
    return value;
  }

  public static String checked(String value, List<Rejection> rejections) {
    return checked(value, MAX_FIELD, Rejection.FIELD_TOO_LONG, rejections);
  }

  /** Control characters would let a value forge log lines or terminal output. */
  public static boolean hasControlCharacters(String value) {
    return SafeText.hasControl(value);
  }

  /** For log lines: the value escaped and cut, so it cannot forge lines or flood the log. */
  public static String forLog(String value) {
    return SafeText.escaped(value, 120);
  }
}
