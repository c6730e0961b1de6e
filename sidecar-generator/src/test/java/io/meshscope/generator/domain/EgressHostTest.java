package io.meshscope.generator.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EgressHostTest {

  @ParameterizedTest
  @ValueSource(strings = {"istio-system/*", "./*", "./details.bookinfo.svc.cluster.local", "*/api.example.com",
      "*/*.example.com", "monitoring/*.example.com", "~/*"})
  void readsValidEntries(String text) {
    assertEquals(text, EgressHost.parse(text).toString());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "*/*|'*/*' imports every service of the mesh, which is what a Sidecar is there to prevent",
      "api.example.com|'api.example.com' is not namespace/host",
      "a/b/c.com|'a/b/c.com' is not namespace/host",
      "Istio-System/*|'Istio-System/*': namespace 'Istio-System' is neither ., * nor a namespace name",
      "../x.com|'../x.com': namespace '..' is neither ., * nor a namespace name",
      "ns/10.0.0.1|'ns/10.0.0.1': host '10.0.0.1' is neither * nor a valid host (ip-literal)",
      "ns/a*.com|'ns/a*.com': host 'a*.com' is neither * nor a valid host (bad-wildcard)",
      "~/x.com|'~/x.com': namespace ~ (none) only goes with host *",
      "ns/|'ns/': host '' is neither * nor a valid host (empty)",
  })
  void explainsInvalidEntries(String text, String message) {
    assertEquals(Optional.of(message), EgressHost.problem(text));
    assertEquals(message, assertThrows(IllegalArgumentException.class, () -> EgressHost.parse(text)).getMessage());
  }

  @Test
  void importsServicesTheWayIstioMatchesThem() {
    EgressHost sameNs = EgressHost.parse("./*");
    assertTrue(sameNs.imports("bookinfo", "bookinfo", "details.bookinfo.svc.cluster.local"));
    assertFalse(sameNs.imports("bookinfo", "other", "httpbin.other.svc.cluster.local"));
    assertFalse(sameNs.imports("bookinfo", null, "api.example.com"), "namespace unknown");

    EgressHost wildcard = EgressHost.parse("*/*.example.com");
    assertTrue(wildcard.imports("bookinfo", null, "api.example.com"));
    assertTrue(wildcard.imports("bookinfo", null, "a.b.example.com"));
    assertTrue(wildcard.imports("bookinfo", null, "*.api.example.com"));
    assertFalse(wildcard.imports("bookinfo", null, "example.com"));
    assertFalse(wildcard.imports("bookinfo", null, "api.example.org"));

    EgressHost exact = EgressHost.parse("other/httpbin.other.svc.cluster.local");
    assertTrue(exact.imports("bookinfo", "other", "httpbin.other.svc.cluster.local"));
    assertFalse(exact.imports("bookinfo", "bookinfo", "httpbin.other.svc.cluster.local"));

    assertFalse(EgressHost.NONE.imports("bookinfo", "bookinfo", "details.bookinfo.svc.cluster.local"));
  }

  @Test
  void sortsByItsText() {
    assertTrue(EgressHost.parse("*/a.com").compareTo(EgressHost.parse("./a.b")) < 0);
    assertTrue(EgressHost.parse("./a.b").compareTo(EgressHost.parse("istio-system/*")) < 0);
  }
}
