package io.meshscope.schemas;

import java.time.Instant;
import java.util.Set;

/**
 * A host that an emission adds to or removes from a Sidecar, with the evidence a reviewer needs.
 *
 * @param sidecarHost the host as written in {@code egress.hosts}, e.g. {@code ./details.bookinfo.svc.cluster.local}
 */
public record HostChange(
    String sidecarHost, String host, Instant firstSeen, Instant lastSeen, long count,
    Set<String> provenance) {
  public HostChange {
    Collections2.requireText(sidecarHost, "change.sidecarHost");
    provenance = Collections2.sortedSet(provenance);
  }
}
