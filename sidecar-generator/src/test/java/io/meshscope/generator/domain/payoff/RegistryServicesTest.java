package io.meshscope.generator.domain.payoff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class RegistryServicesTest {

  /** Trimmed from what kubectl get services -A -o json prints for an Istio install with Bookinfo. */
  static final String KUBECTL = """
      {"apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": ""}, "items": [
        {"apiVersion": "v1", "kind": "Service",
         "metadata": {"name": "istiod", "namespace": "istio-system", "labels": {"app": "istiod"}},
         "spec": {"type": "ClusterIP", "clusterIP": "10.96.10.10", "ports": [
           {"name": "grpc-xds", "port": 15010, "protocol": "TCP", "targetPort": 15010},
           {"name": "https-dns", "port": 15012, "protocol": "TCP", "targetPort": 15012},
           {"name": "https-webhook", "port": 443, "protocol": "TCP", "targetPort": 15017},
           {"name": "http-monitoring", "port": 15014, "protocol": "TCP", "targetPort": 15014}]}},
        {"apiVersion": "v1", "kind": "Service",
         "metadata": {"name": "reviews", "namespace": "bookinfo"},
         "spec": {"ports": [{"name": "http", "port": 9080, "targetPort": 9080}]}},
        {"apiVersion": "v1", "kind": "Service",
         "metadata": {"name": "mongodb", "namespace": "bookinfo"},
         "spec": {"ports": [{"name": "mongo", "port": 27017}]}},
        {"apiVersion": "v1", "kind": "Service",
         "metadata": {"name": "sniffed", "namespace": "bookinfo"},
         "spec": {"ports": [{"port": 8000}, {"port": 8443, "appProtocol": "https"}, {"port": 9000, "appProtocol": "grpc"}]}}
      ]}
      """;

  @Test
  void readsEveryServiceWithItsPortsAndWhichCarryHttp() {
    List<RegistryServices.Declared> d = RegistryServices.fromKubectlJson(KUBECTL, "cluster.local");
    assertEquals(List.of("istiod.istio-system.svc.cluster.local", "reviews.bookinfo.svc.cluster.local",
        "mongodb.bookinfo.svc.cluster.local", "sniffed.bookinfo.svc.cluster.local"),
        d.stream().map(RegistryServices.Declared::host).toList());
    assertEquals(new TreeSet<>(Set.of(443, 15010, 15012, 15014)), d.get(0).ports());
    assertEquals(new TreeSet<>(Set.of(15010, 15014)), d.get(0).httpPorts(), "grpc-xds and http-monitoring");
    assertEquals(Set.of(), d.get(2).httpPorts(), "mongo is not HTTP");
    assertEquals(new TreeSet<>(Set.of(8000, 9000)), d.get(3).httpPorts(), "an unnamed port is sniffed");
  }

  @Test
  void oneServiceAloneIsReadToo() {
    String one = "{\"kind\": \"Service\", \"metadata\": {\"name\": \"a\", \"namespace\": \"b\"}, \"spec\": {}}";
    assertEquals("a.b.svc.example.org", RegistryServices.fromKubectlJson(one, "example.org").get(0).host());
  }

  @Test
  void whatIsNotAServiceListIsAClearError() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> RegistryServices.fromKubectlJson("{", "cluster.local"))
        .getMessage().startsWith("not JSON"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> RegistryServices.fromKubectlJson("{\"kind\": \"Pod\"}", "cluster.local")).getMessage().contains("'Pod'"));
    String badPort = "{\"kind\": \"Service\", \"metadata\": {\"name\": \"a\", \"namespace\": \"b\"}, "
        + "\"spec\": {\"ports\": [{\"port\": 0}]}}";
    assertTrue(assertThrows(IllegalArgumentException.class, () -> RegistryServices.fromKubectlJson(badPort, "cluster.local"))
        .getMessage().contains("not 1-65535"));
    String badName = "{\"kind\": \"Service\", \"metadata\": {\"name\": \"A/..\", \"namespace\": \"b\"}}";
    assertTrue(assertThrows(IllegalArgumentException.class, () -> RegistryServices.fromKubectlJson(badName, "cluster.local"))
        .getMessage().contains("item 0"));
  }

  @Test
  void httpIsWhatIstioWouldTreatAsHttp() {
    assertTrue(RegistryServices.carriesHttp("", "http2-web"));
    assertTrue(RegistryServices.carriesHttp("", "grpc-web"));
    assertTrue(RegistryServices.carriesHttp("", ""), "no declared protocol: Istio sniffs and routes HTTP");
    assertFalse(RegistryServices.carriesHttp("", "tcp-db"));
    assertFalse(RegistryServices.carriesHttp("tls", "http"), "appProtocol wins over the name");
  }
}
