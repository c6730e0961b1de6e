package io.meshscope.receiver.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.meshscope.schemas.UpstreamCluster;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClusterNamesTest {

  @ParameterizedTest
  @CsvSource(delimiter = ';', nullValues = "null", value = {
      "outbound|9080||reviews.bookinfo.svc.cluster.local; outbound; 9080; null; reviews.bookinfo.svc.cluster.local",
      "outbound|9080|v2|reviews.bookinfo.svc.cluster.local; outbound; 9080; v2; reviews.bookinfo.svc.cluster.local",
      "inbound|9080||; inbound; 9080; null; null",
      "inbound|9080|http|reviews.default.svc.cluster.local; inbound; 9080; null; reviews.default.svc.cluster.local",
      "PassthroughCluster; passthrough; null; null; null",
      "BlackHoleCluster; blackhole; null; null; null",
      "InboundPassthroughCluster; inbound-passthrough; null; null; null",
      "InboundPassthroughClusterIpv4; inbound-passthrough; null; null; null",
      "outbound|http||reviews; other; null; null; null",
      "outbound|99999||reviews; other; null; null; null",
      "outbound|9080|v1|reviews|extra; other; null; null; null",
      "sideways|9080||reviews; other; null; null; null",
      "xds-grpc; other; null; null; null",
      "'' ; other; null; null; null"})
  void parsesIstioClusterNames(String name, String kind, Integer port, String subset, String host) {
    UpstreamCluster c = ClusterNames.parse(name);
    assertEquals(kind, c.kind(), name);
    assertEquals(port, c.port(), name);
    assertEquals(subset, c.subset(), name);
    assertEquals(host, c.host(), name);
  }
}
