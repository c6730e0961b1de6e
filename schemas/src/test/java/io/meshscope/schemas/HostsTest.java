package io.meshscope.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
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
}
