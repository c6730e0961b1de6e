package io.meshscope.schemas;

import java.util.List;

/**
 * What an emission changes against the previous one of the same workload.
 *
 * @param trigger {@code first}, {@code change}, {@code urgent} or {@code removal}
 * @param outsideRegistry hosts of the Sidecar that calls reached only through
 *     {@code PassthroughCluster} or {@code BlackHoleCluster}: no mesh service and no ServiceEntry
 *     names them, so in a {@code REGISTRY_ONLY} mesh each works only once a ServiceEntry does
 * @param instances the workload's instances that reported within the edge TTL, all of which the
 *     Sidecar's selector selects; 0 when unknown
 * @param stillThroughFallback hosts the previous adaptive Sidecar listed that calls still reached
 *     through the fallback egress proxy after it was published: it is not applied yet, or does not
 *     route them (docs/adaptive.md)
 */
public record ChangeSummary(
    String trigger, List<HostChange> added, List<HostChange> removed, int unchanged, WhatIf whatIf,
    List<String> outsideRegistry,
    int instances,
    List<String> stillThroughFallback) {

  public ChangeSummary(String trigger, List<HostChange> added, List<HostChange> removed, int unchanged,
      WhatIf whatIf, List<String> outsideRegistry, int instances) {
    this(trigger, added, removed, unchanged, whatIf, outsideRegistry, instances, List.of());
  }

  public ChangeSummary {
    Collections2.requireText(trigger, "summary.trigger");
    added = Collections2.list(added);
    removed = Collections2.list(removed);
    outsideRegistry = Collections2.list(outsideRegistry);
    stillThroughFallback = Collections2.list(stillThroughFallback);
  }
}
