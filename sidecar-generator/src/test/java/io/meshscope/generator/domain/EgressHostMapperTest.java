package io.meshscope.generator.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class EgressHostMapperTest {

  private final EgressHostMapper mapper = new EgressHostMapper("cluster.local");

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "details.bookinfo.svc.cluster.local, ./details.bookinfo.svc.cluster.local",
      "httpbin.other.svc.cluster.local, other/httpbin.other.svc.cluster.local",
      "istiod.istio-system.svc.cluster.local, istio-system/istiod.istio-system.svc.cluster.local",
      "api.example.com, */api.example.com",
      "*.example.com, */*.example.com",
      "*.bookinfo.svc.cluster.local, */*.bookinfo.svc.cluster.local",
      // a pod's own name under a headless service is no registry service
      "pod-0.db.bookinfo.svc.cluster.local, */pod-0.db.bookinfo.svc.cluster.local",
      // a service of another mesh domain is an external name here
      "details.bookinfo.svc.other.local, */details.bookinfo.svc.other.local",
      "bookinfo.svc.cluster.local, */bookinfo.svc.cluster.local",
      "details.bookinfo.svc, */details.bookinfo.svc",
  })
  void mapsHostsFromBookinfo(String host, String entry) {
    assertEquals(Optional.of(entry), mapper.map("bookinfo", host).map(EgressHost::toString));
  }

  @ParameterizedTest
  @ValueSource(strings = {"10.0.0.1", "[::1]", "Details.bookinfo.svc.cluster.local", "details", "*", "*/x.com",
      "a..b", "../etc/passwd", "a b.com", "x.com\n- y", "a: b", "", "-a.com"})
  void mapsNoInvalidHost(String host) {
    assertEquals(Optional.empty(), mapper.map("bookinfo", host));
  }

  @Test
  void honoursAConfiguredMeshDomain() {
    EgressHostMapper custom = new EgressHostMapper("corp.internal");
    assertEquals("./details.bookinfo.svc.corp.internal",
        custom.map("bookinfo", "details.bookinfo.svc.corp.internal").orElseThrow().toString());
    assertEquals("*/details.bookinfo.svc.cluster.local",
        custom.map("bookinfo", "details.bookinfo.svc.cluster.local").orElseThrow().toString());
    assertEquals(Optional.of("shop"), custom.serviceNamespace("cart.shop.svc.corp.internal"));
    assertEquals("./a.ns.svc.local", new EgressHostMapper("local").map("ns", "a.ns.svc.local").orElseThrow().toString());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "Cluster.Local|'Cluster.Local' is not a domain a service host can end in (bad-label)",
      "*.local|'*.local' is not a domain a service host can end in (bad-wildcard)",
      "cluster..local|'cluster..local' is not a domain a service host can end in (bad-label)",
  })
  void refusesAMeshDomainNoServiceHostCouldEndIn(String domain, String message) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new EgressHostMapper(domain));
    assertEquals(message, e.getMessage());
  }
}
