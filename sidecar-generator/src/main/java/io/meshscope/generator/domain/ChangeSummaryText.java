package io.meshscope.generator.domain;

import io.meshscope.schemas.SafeText;
import io.meshscope.schemas.ChangeSummary;
import io.meshscope.schemas.HostChange;
import io.meshscope.schemas.WhatIf;
import io.meshscope.schemas.WorkloadRef;
import java.util.List;
import java.util.Locale;

/**
 * A change summary as text for the reviewer, next to the YAML ({@code <name>.summary.txt}): one line
 * per added ({@code +}) or removed ({@code -}) host with its evidence, then the what-if figure.
 * Every value is escaped, as provenance labels and hosts travelled through logs.
 */
public final class ChangeSummaryText {
  private ChangeSummaryText() {}

  /** Whole hosts and mode sources: a reviewer must see every one, and each is bounded at its source. */
  private static final int FULL = 4_096;

  public static String render(WorkloadRef workload, ChangeSummary summary) {
    return render(workload, summary, null, null);
  }

  /** As {@link #render(WorkloadRef, ChangeSummary)}, saying the Sidecar's mode and where it came from. */
  public static String render(WorkloadRef workload, ChangeSummary summary, String mode, String modeSource) {
    StringBuilder out = new StringBuilder();
    out.append("Sidecar ").append(SafeText.escaped(workload.key()))
        .append(" (trigger: ").append(SafeText.escaped(summary.trigger())).append(")\n");
    if (mode != null) {
      out.append("mode: ").append(SafeText.escaped(mode))
          .append(modeSource == null ? "" : " (" + SafeText.escaped(modeSource, FULL) + ")").append('\n');
    }
    if (!summary.stillThroughFallback().isEmpty()) {
      out.append("still through the fallback after the previous Sidecar listed them (it is not applied yet, or does"
          + " not route them): ").append(summary.stillThroughFallback().stream().map(h -> SafeText.escaped(h, FULL))
          .collect(java.util.stream.Collectors.joining(", ")))
          .append('\n');
    }
    section(out, "added", '+', summary.added());
    section(out, "removed", '-', summary.removed());
    out.append("unchanged: ").append(summary.unchanged()).append(summary.unchanged() == 1 ? " host\n" : " hosts\n");
    if (summary.instances() > 0) {
      out.append("selector: ").append(selector(workload)).append(", which selects ")
          .append(summary.instances() == 1 ? "the 1 instance" : "all " + summary.instances() + " instances")
          .append(" that reported within the edge TTL\n");
    }
    WhatIf whatIf = summary.whatIf();
    if (whatIf != null) {
      // Honest about its basis: only services some call reached are known, so both counts are lower
      // bounds; clusters, endpoints and memory are in the mesh report.
      out.append("what-if: without this Sidecar the proxy receives configuration for ")
          .append(services(whatIf.servicesWithout())).append(", with it for ")
          .append(whatIf.servicesWith()).append(": ")
          .append(String.format(Locale.ROOT, "%.1f", whatIf.reductionPercent()))
          .append("% less (counting only services the logs showed called; megabytes in mesh-report.md)\n");
    }
    if (!summary.outsideRegistry().isEmpty()) {
      out.append("outside the registry (reached through PassthroughCluster; in a REGISTRY_ONLY mesh each needs a "
          + "ServiceEntry): ").append(SafeText.escaped(String.join(", ", summary.outsideRegistry()))).append('\n');
    }
    return out.toString();
  }

  private static void section(StringBuilder out, String title, char sign, List<HostChange> changes) {
    out.append(title).append(": ").append(changes.size()).append('\n');
    for (HostChange change : changes) {
      out.append("  ").append(sign).append(' ').append(SafeText.escaped(change.sidecarHost())).append("  ")
          .append(evidence(change)).append('\n');
    }
  }

  private static String evidence(HostChange change) {
    if (change.sidecarHost().equals(EgressHost.NONE.toString())) {
      return "(imports nothing: no calls seen, no hosts configured)";
    }
    String via = change.provenance().isEmpty() ? "" : "via " + SafeText.escaped(String.join(", ", change.provenance()));
    if (change.firstSeen() == null) {
      return change.provenance().isEmpty() ? "(configured)" : "configured: " + SafeText.escaped(
          String.join(", ", change.provenance()));
    }
    return (change.count() == 1 ? "1 call" : change.count() + " calls")
        + ", first seen " + change.firstSeen() + ", last seen " + change.lastSeen()
        + (via.isEmpty() ? "" : ", " + via);
  }

  private static String selector(WorkloadRef workload) {
    StringBuilder out = new StringBuilder();
    workload.selector().forEach((k, v) -> out.append(out.length() == 0 ? "" : ", ").append(k).append('=').append(v));
    return SafeText.escaped(out.toString());
  }

  private static String services(int n) {
    return n == 1 ? "1 service" : n + " services";
  }
}
