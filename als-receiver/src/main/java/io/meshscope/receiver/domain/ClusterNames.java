package io.meshscope.receiver.domain;

import io.meshscope.schemas.UpstreamCluster;

/**
 * Istio's names for Envoy clusters: {@code direction|port|subset|host} (Istio's
 * {@code BuildSubsetKey}), {@code inbound|port||} since Istio 1.8, {@code inbound|port|portName|host}
 * before, {@code inbound-vip|port|protocol|host} on an ambient waypoint (a service's address, Istio's
 * {@code TrafficDirectionInboundVIP}), and the fixed names {@code PassthroughCluster}, {@code BlackHoleCluster},
 * {@code InboundPassthroughCluster} (and its pre-1.23 {@code ...Ipv4}/{@code ...Ipv6} forms).
 */
public final class ClusterNames {
  private ClusterNames() {}

  public static final String OUTBOUND = "outbound";
  public static final String INBOUND = "inbound";
  public static final String INBOUND_VIP = "inbound-vip";
  public static final String PASSTHROUGH = "passthrough";
  public static final String BLACKHOLE = "blackhole";
  public static final String INBOUND_PASSTHROUGH = "inbound-passthrough";
  public static final String OTHER = "other";

  /** Parses a cluster name; anything it does not recognize is kind {@code other}, never an error. */
  public static UpstreamCluster parse(String name) {
    if (name == null || name.isEmpty()) {
      return new UpstreamCluster("", OTHER, null, null, null);
    }
    switch (name) {
      case "PassthroughCluster":
        return new UpstreamCluster(name, PASSTHROUGH, null, null, null);
      case "BlackHoleCluster":
        return new UpstreamCluster(name, BLACKHOLE, null, null, null);
      case "InboundPassthroughCluster":
      case "InboundPassthroughClusterIpv4":
      case "InboundPassthroughClusterIpv6":
        return new UpstreamCluster(name, INBOUND_PASSTHROUGH, null, null, null);
      default:
        break;
    }
    // A valid key has exactly three '|'. Found by indexOf, not split: this runs for every entry.
    int first = name.indexOf('|');
    int second = first < 0 ? -1 : name.indexOf('|', first + 1);
    int third = second < 0 ? -1 : name.indexOf('|', second + 1);
    if (third < 0 || name.indexOf('|', third + 1) >= 0) {
      return new UpstreamCluster(name, OTHER, null, null, null);
    }
    Integer port = port(name, first + 1, second);
    if (port == null) {
      return new UpstreamCluster(name, OTHER, null, null, null);
    }
    String host = third + 1 == name.length() ? null : name.substring(third + 1);
    if (first == OUTBOUND.length() && name.startsWith(OUTBOUND)) {
      return new UpstreamCluster(name, OUTBOUND, port, second + 1 == third ? null : name.substring(second + 1, third),
          host);
    }
    if (first == INBOUND_VIP.length() && name.startsWith(INBOUND_VIP)) {
      // The third part is the protocol the waypoint serves the service with (http, tcp), not a subset.
      return new UpstreamCluster(name, INBOUND_VIP, port, null, host);
    }
    if (first == INBOUND.length() && name.startsWith(INBOUND)) {
      // Before Istio 1.8 the third part was the port's name, not a subset.
      return new UpstreamCluster(name, INBOUND, port, null, host);
    }
    return new UpstreamCluster(name, OTHER, null, null, null);
  }

  /** The port in {@code text[from, to)}: one to five digits, at most 65535. */
  private static Integer port(String text, int from, int to) {
    if (to == from || to - from > 5) {
      return null;
    }
    int port = 0;
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return null;
      }
      port = port * 10 + (c - '0');
    }
    return port <= 65_535 ? port : null;
  }
}
