package io.meshscope.receiver.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.meshscope.schemas.UpstreamCluster;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClusterNamesTest {

  @ParameterizedTest
  @CsvSource(delimiter = ';', nullValues = "null", value = {
      "outbound|9080||reviews.bookinfo.svc.cluster.local; outbound; 9080; null; reviews.bookinfo.svc.cluster.local",
      "outbound|9080|v2|reviews.bookinfo.svc.cluster.local; outbound; 9080; v2; reviews.bookinfo.svc.cluster.local",
      "inbound|9080||; inbound; 9080; null; null",
      "inbound|9080|http|reviews.default.svc.cluster.local; inbound; 9080; null; reviews.default.svc.cluster.local",
      "inbound-vip|9080|http|reviews.bookinfo.svc.cluster.local; inbound-vip; 9080; null; reviews.bookinfo.svc.cluster.local",
      "inbound-vip|443|tcp|api.example.com; inbound-vip; 443; null; api.example.com",
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

  @org.junit.jupiter.api.Test
  void randomNamesParseAsSplittingOnBarsDoes() {
    String[] pieces = {"|", "|", "|", "outbound", "inbound", "9080", "65536", "0", "v1", "reviews.bookinfo", "", "x|"};
    Random r = new Random(3);
    for (int i = 0; i < 50_000; i++) {
      StringBuilder b = new StringBuilder();
      for (int k = r.nextInt(9); k > 0; k--) {
        b.append(pieces[r.nextInt(pieces.length)]);
      }
      String name = b.toString();
      assertEquals(bySplit(name), ClusterNames.parse(name), name);
    }
  }

  /** The rule as first written, with String.split: the reference for the indexOf version. */
  private static UpstreamCluster bySplit(String name) {
    if (name.isEmpty()) {
      return new UpstreamCluster("", ClusterNames.OTHER, null, null, null);
    }
    String[] parts = name.split("\\|", 5);
    UpstreamCluster other = new UpstreamCluster(name, ClusterNames.OTHER, null, null, null);
    if (parts.length != 4 || !parts[1].matches("[0-9]{1,5}") || Integer.parseInt(parts[1]) > 65_535) {
      return other;
    }
    int port = Integer.parseInt(parts[1]);
    String host = parts[3].isEmpty() ? null : parts[3];
    return switch (parts[0]) {
      case "outbound" -> new UpstreamCluster(name, ClusterNames.OUTBOUND, port, parts[2].isEmpty() ? null : parts[2],
          host);
      case "inbound" -> new UpstreamCluster(name, ClusterNames.INBOUND, port, null, host);
      default -> other;
    };
  }
}
