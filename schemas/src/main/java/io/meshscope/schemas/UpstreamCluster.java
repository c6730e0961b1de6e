package io.meshscope.schemas;

/**
 * Envoy's {@code upstream_cluster}, as received and as parsed by Istio's naming rules.
 *
 * @param name the raw cluster name
 * @param kind {@code outbound}, {@code inbound}, {@code inbound-vip} (a waypoint's), {@code passthrough},
 *     {@code blackhole}, {@code inbound-passthrough} or {@code other}
 * @param port the port of {@code direction|port|subset|host}, when present
 * @param subset the DestinationRule subset, when present
 * @param host the service host, when present (not validated here: the analyzer decides what is a
 *     valid host)
 */
public record UpstreamCluster(String name, String kind, Integer port, String subset, String host) {
  public UpstreamCluster {
    Collections2.require(name, "upstreamCluster.name");
    Collections2.requireText(kind, "upstreamCluster.kind");
  }
}
