package io.meshscope.schemas;

import java.util.List;

/**
 * What an emission changes against the previous one of the same workload.
 *
 * @param trigger {@code first}, {@code change}, {@code urgent} or {@code removal}
 */
public record ChangeSummary(
    String trigger, List<HostChange> added, List<HostChange> removed, int unchanged, WhatIf whatIf) {
  public ChangeSummary {
    Collections2.requireText(trigger, "summary.trigger");
    added = Collections2.list(added);
    removed = Collections2.list(removed);
  }
}
