package io.meshscope.schemas;

import java.util.Optional;

/**
 * What may be a host in a dependency graph and so in a Sidecar: a lower-case DNS name of RFC 1123
 * labels (at least two; each 1-63 characters of {@code a-z 0-9 -}, not starting or ending with
 * {@code -}; 253 characters in all; a last label that is not all digits), or such a name behind
 * {@code *.}, the wildcard form a ServiceEntry can hold. Hosts come from logs and so from
 * attackers: everything else is refused with a reason, and never reaches YAML.
 */
public final class Hosts {
  private Hosts() {}

  /** Why a value is not a host; the labels of {@code meshscope_*_rejected_hosts_total{reason}}. */
  public enum Problem {
    EMPTY("empty"),
    TOO_LONG("too-long"),
    IP_LITERAL("ip-literal"),
    SINGLE_LABEL("single-label"),
    BAD_LABEL("bad-label"),
    LABEL_TOO_LONG("label-too-long"),
    BAD_WILDCARD("bad-wildcard");

    private final String label;

    Problem(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  public static final int MAX_LENGTH = 253;

  /** Kubernetes' default cluster DNS domain: the analyzer's and the generator's default mesh domain. */
  public static final String DEFAULT_MESH_DOMAIN = "cluster.local";

  public static boolean isValid(String host) {
    return problem(host).isEmpty();
  }

  /** Empty when {@code host} is a valid host, else what is wrong with it. */
  public static Optional<Problem> problem(String host) {
    if (host == null || host.isEmpty()) {
      return Optional.of(Problem.EMPTY);
    }
    if (host.length() > MAX_LENGTH) {
      return Optional.of(Problem.TOO_LONG);
    }
    if (host.indexOf(':') >= 0 && host.chars().allMatch(c -> c == ':' || c == '.' || Character.digit(c, 16) >= 0
        || c == '[' || c == ']')) {
      return Optional.of(Problem.IP_LITERAL);
    }
    String name = host;
    if (host.startsWith("*.")) {
      name = host.substring(2);
    } else if (host.indexOf('*') >= 0) {
      return Optional.of(Problem.BAD_WILDCARD);
    }
    if (name.indexOf('*') >= 0) {
      return Optional.of(Problem.BAD_WILDCARD);
    }
    // Label by label without split: every access record's host passes here.
    int labels = 0;
    int start = 0;
    int lastStart = 0;
    for (int i = 0; i <= name.length(); i++) {
      if (i < name.length() && name.charAt(i) != '.') {
        continue;
      }
      if (i - start > 63) {
        return Optional.of(Problem.LABEL_TOO_LONG);
      }
      if (!isLabel(name, start, i)) {
        return Optional.of(Problem.BAD_LABEL);
      }
      labels++;
      lastStart = start;
      start = i + 1;
    }
    if (allDigits(name, lastStart, name.length())) {
      return Optional.of(Problem.IP_LITERAL);
    }
    if (labels < 2) {
      return Optional.of(Problem.SINGLE_LABEL);
    }
    return Optional.empty();
  }

  private static boolean isLabel(String s, int from, int to) {
    if (from == to || s.charAt(from) == '-' || s.charAt(to - 1) == '-') {
      return false;
    }
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
        return false;
      }
    }
    return true;
  }

  private static boolean allDigits(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }
}
