package io.meshscope.generator.domain;

import io.meshscope.schemas.SafeText;
import java.util.List;
import java.util.Map;

/**
 * {@code fallback-status.md}: one row per adaptive Sidecar, so that a reviewer sees at a glance
 * whether it is applied and what still falls back (docs/adaptive.md, "Stuck on the fallback").
 */
public final class FallbackStatusText {
  private FallbackStatusText() {}

  public static String render(List<FallbackStatus> statuses) {
    StringBuilder out = new StringBuilder("# Adaptive Sidecars: applied, or still falling back?\n\n");
    if (statuses.isEmpty()) {
      return out.append("No adaptive Sidecar has been published.\n").toString();
    }
    out.append("A host listed in a workload's Sidecar that calls still reach through the fallback egress proxy "
        + "more than ").append(FallbackStatus.GRACE.toMinutes()).append(" minutes (in the logs' time) after the last call the Sidecar was made from means "
        + "the Sidecar is not applied yet, or does not route that host. A host that went through the fallback "
        + "before and goes direct since shows it applied.\n\n");
    out.append("| workload | Sidecar made from logs until | applied? | still through the fallback (last call) | now direct |\n");
    out.append("|---|---|---|---|---|\n");
    for (FallbackStatus s : statuses) {
      StringBuilder stuck = new StringBuilder();
      for (Map.Entry<String, java.time.Instant> e : s.stillThroughFallback().entrySet()) {
        stuck.append(stuck.length() == 0 ? "" : "<br>").append(cell(e.getKey())).append(" (").append(e.getValue())
            .append(')');
      }
      out.append("| ").append(cell(s.workload())).append(" | ").append(s.sidecarAt()).append(" | ")
          .append(s.applied()).append(" | ").append(stuck.length() == 0 ? "-" : stuck).append(" | ")
          .append(s.nowDirect().isEmpty() ? "-" : String.join(", ", s.nowDirect().stream().map(FallbackStatusText::cell).toList())).append(" |\n");
    }
    return out.toString();
  }

  /** Hosts and names came through logs: escaped, and no pipe may cut the table. */
  private static String cell(String value) {
    return SafeText.escaped(value, 4_096).replace("|", "\\|");
  }
}
