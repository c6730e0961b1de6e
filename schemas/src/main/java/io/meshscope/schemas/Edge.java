package io.meshscope.schemas;

import java.time.Instant;
import java.util.Set;

/**
 * One callee of a workload, with the evidence for it.
 *
 * @param host the callee: a valid lower-case DNS name or a {@code *.} wildcard
 * @param firstSeen event time of the first entry that showed the call
 * @param lastSeen event time of the latest one; aging compares it with the TTL
 * @param count entries that showed the call
 * @param ports destination ports seen
 * @param protocols {@code HTTP}, {@code TCP}
 * @param provenance the signals that produced the edge, e.g. {@code outbound-cluster},
 *     {@code passthrough-authority}, {@code inbound-peer-metadata}
 * @param urgent a call the current Sidecar blocked ({@code BlackHoleCluster}, {@code NR}): it must
 *     reach the Sidecar without waiting for the debounce
 * @param fallbackLastSeen event time of the latest entry that showed the call going through the
 *     fallback egress proxy (adaptive mode), or null when it never did: once the Sidecar lists the
 *     host, a later one means the Sidecar is not applied yet or does not route the call
 */
public record Edge(
    String host,
    Instant firstSeen,
    Instant lastSeen,
    long count,
    Set<Integer> ports,
    Set<String> protocols,
    Set<String> provenance,
    boolean urgent,
    Instant fallbackLastSeen) {

  /** An edge never seen through the fallback egress proxy. */
  public Edge(String host, Instant firstSeen, Instant lastSeen, long count, Set<Integer> ports,
      Set<String> protocols, Set<String> provenance, boolean urgent) {
    this(host, firstSeen, lastSeen, count, ports, protocols, provenance, urgent, null);
  }

  public Edge {
    Collections2.requireText(host, "edge.host");
    Collections2.require(firstSeen, "edge.firstSeen");
    Collections2.require(lastSeen, "edge.lastSeen");
    if (count < 0) {
      throw new IllegalArgumentException("edge.count must not be negative, was " + count);
    }
    ports = Collections2.sortedSet(ports);
    protocols = Collections2.sortedSet(protocols);
    provenance = Collections2.sortedSet(provenance);
  }
}
