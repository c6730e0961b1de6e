package io.meshscope.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HostsTest {

  @ParameterizedTest
  @ValueSource(strings = {"reviews.bookinfo.svc.cluster.local", "api.example.com", "*.example.com",
      "a-b.c-d.io", "x1.y2.z3", "mongodb.bookinfo.svc.cluster.local", "xn--bcher-kva.example"})
  void acceptsDnsNamesAndServiceEntryWildcards(String host) {
    assertEquals(Optional.empty(), Hosts.problem(host), host);
  }

  @ParameterizedTest
  @CsvSource(delimiter = ';', value = {
      "''; EMPTY",
      "10.0.0.1; IP_LITERAL",
      "fe80::1; IP_LITERAL",
      "[::1]; IP_LITERAL",
      "reviews; SINGLE_LABEL",
      "Reviews.bookinfo; BAD_LABEL",
      "re_views.bookinfo; BAD_LABEL",
      "-x.example.com; BAD_LABEL",
      "x-.example.com; BAD_LABEL",
      "a..b; BAD_LABEL",
      "example.com.; BAD_LABEL",
      "evil.com/../x; BAD_LABEL",
      "a b.example.com; BAD_LABEL",
      "*; BAD_WILDCARD",
      "*.*.example.com; BAD_WILDCARD",
      "api.*.example.com; BAD_WILDCARD",
      "x*.example.com; BAD_WILDCARD",
      "reviews.bookinfo:9080; BAD_LABEL"})
  void refusesEverythingElseWithAReason(String host, Hosts.Problem problem) {
    assertEquals(Optional.of(problem), Hosts.problem(host), host);
  }

  @org.junit.jupiter.api.Test
  void refusesOversizedLabelsAndNames() {
    assertEquals(Optional.of(Hosts.Problem.LABEL_TOO_LONG), Hosts.problem("a".repeat(64) + ".example.com"));
    String longName = ("a".repeat(60) + ".").repeat(5) + "com";
    assertEquals(Optional.of(Hosts.Problem.TOO_LONG), Hosts.problem(longName));
  }

  /** The label rules as first written, with split: the scanning version must agree on everything. */
  private static Optional<Hosts.Problem> labelsAsSplit(String name) {
    String[] labels = name.split("\\.", -1);
    for (String label : labels) {
      if (label.length() > 63) {
        return Optional.of(Hosts.Problem.LABEL_TOO_LONG);
      }
      if (label.isEmpty() || label.startsWith("-") || label.endsWith("-")
          || !label.chars().allMatch(c -> (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
        return Optional.of(Hosts.Problem.BAD_LABEL);
      }
    }
    if (labels[labels.length - 1].chars().allMatch(c -> c >= '0' && c <= '9')) {
      return Optional.of(Hosts.Problem.IP_LITERAL);
    }
    return labels.length < 2 ? Optional.of(Hosts.Problem.SINGLE_LABEL) : Optional.empty();
  }

  @org.junit.jupiter.api.Test
  void labelScanAgreesWithSplittingOnRandomNames() {
    Random random = new Random(3);
    String alphabet = "ab09-.Z_";
    for (int n = 0; n < 50_000; n++) {
      StringBuilder b = new StringBuilder();
      int length = random.nextInt(8) == 0 ? 60 + random.nextInt(10) : random.nextInt(14);
      for (int i = 0; i < length; i++) {
        b.append(random.nextInt(10) == 0 ? '.' : alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String name = b.toString();
      if (name.isEmpty()) {
        continue;
      }
      assertEquals(labelsAsSplit(name), Hosts.problem(name), name);
    }
  }
}
