package io.meshscope.receiver.domain;

import io.meshscope.schemas.UpstreamCluster;

/**
 * Istio's names for Envoy clusters: {@code direction|port|subset|host} (Istio's
 * {@code BuildSubsetKey}), {@code inbound|port||} since Istio 1.8, {@code inbound|port|portName|host}
 * before, and the fixed names {@code PassthroughCluster}, {@code BlackHoleCluster},
 * {@code InboundPassthroughCluster} (and its pre-1.23 {@code ...Ipv4}/{@code ...Ipv6} forms).
 */
public final class ClusterNames {
  private ClusterNames() {}

  public static final String OUTBOUND = "outbound";
  public static final String INBOUND = "inbound";
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
    // A valid key has exactly three '|': split with a limit that keeps a fourth visible.
    String[] parts = name.split("\\|", 5);
    if (parts.length != 4) {
      return new UpstreamCluster(name, OTHER, null, null, null);
    }
    Integer port = port(parts[1]);
    if (port == null) {
      return new UpstreamCluster(name, OTHER, null, null, null);
    }
    String host = parts[3].isEmpty() ? null : parts[3];
    if (OUTBOUND.equals(parts[0])) {
      return new UpstreamCluster(name, OUTBOUND, port, parts[2].isEmpty() ? null : parts[2], host);
    }
    if (INBOUND.equals(parts[0])) {
      // Before Istio 1.8 the third part was the port's name, not a subset.
      return new UpstreamCluster(name, INBOUND, port, null, host);
    }
    return new UpstreamCluster(name, OTHER, null, null, null);
  }

  private static Integer port(String text) {
    if (text.isEmpty() || text.length() > 5) {
      return null;
    }
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) < '0' || text.charAt(i) > '9') {
        return null;
      }
    }
    int port = Integer.parseInt(text);
    return port <= 65_535 ? port : null;
  }
}
