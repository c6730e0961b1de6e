package io.meshscope.generator.domain.payoff;

import io.meshscope.schemas.MeshReport;
import io.meshscope.schemas.MeshReport.Footprint;
import io.meshscope.schemas.MeshReport.Range;
import io.meshscope.schemas.SafeText;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The report as Markdown for a pull request: the headline first, then each workload, the advice,
 * and how the figures were estimated. Values that came from logs (workload names) are escaped so
 * that none can break a table or forge a line. Deterministic: the same report gives the same text.
 */
public final class MeshReportMarkdown {
  private MeshReportMarkdown() {}

  /** Rows per table: a pull request is read by a person; the JSON report has every row. */
  static final int ROWS = 50;

  /** The two lines a user came for: configuration and memory, without and with the Sidecars. */
  public static String headline(MeshReport r) {
    MeshReport.Totals t = r.totals();
    return String.format(Locale.ROOT,
        "Mesh payoff: %,d proxies (%,d with a Sidecar) receive %,d clusters without Sidecars, %,d with them "
            + "(%.1f%% less).%nEstimated proxy memory, all proxies: %s without, %s with (%.1f%% less)%s.%n",
        t.proxies(), t.proxiesWithSidecar(), t.without().clusters(), t.with().clusters(),
        t.clusterReductionPercent(), mb(t.without().memory()), mb(t.with().memory()), t.memoryReductionPercent(),
        r.inventory().lowerBound() ? "; a lower bound, as only services seen in the logs are known" : "");
  }

  public static String render(MeshReport r) {
    StringBuilder md = new StringBuilder();
    MeshReport.Totals t = r.totals();
    md.append("# meshscope: the payoff\n\n");
    md.append("Learned from traffic between ").append(r.windowStart()).append(" and ").append(r.windowEnd())
        .append(" (event time); report generated ").append(r.generatedAt()).append(".\n\n");
    md.append("| | without Sidecars | with meshscope's Sidecars | less |\n|---|---:|---:|---:|\n");
    md.append(String.format(Locale.ROOT, "| proxies | %,d | %,d, %,d of them with a Sidecar | |%n", t.proxies(),
        t.proxies(), t.proxiesWithSidecar()));
    row(md, "services imported, summed over proxies", t.without().services(), t.with().services());
    row(md, "clusters", t.without().clusters(), t.with().clusters());
    row(md, "endpoints", t.without().endpoints(), t.with().endpoints());
    row(md, "HTTP route entries", t.without().virtualHosts(), t.with().virtualHosts());
    md.append(String.format(Locale.ROOT, "| estimated proxy memory | %s | %s | %.1f%% |%n", mb(t.without().memory()),
        mb(t.with().memory()), t.memoryReductionPercent()));
    Range withoutConfig = configuration(t.without().memory(), r.costModel().base(), t.proxies());
    Range withConfig = configuration(t.with().memory(), r.costModel().base(), t.proxies());
    md.append(String.format(Locale.ROOT, "| of which configuration (the rest is each proxy's base) | %s | %s | %.1f%% |%n%n",
        mb(withoutConfig), mb(withConfig), MeshPayoff.percentLess(MeshPayoff.middle(withoutConfig),
            MeshPayoff.middle(withConfig))));
    md.append(String.format(Locale.ROOT, "Services known: %,d with %,d ports, from %s.%n",
        r.inventory().services(), r.inventory().servicePorts(),
        "logs".equals(r.inventory().source()) ? "the logs" : "the registry list and the logs"));
    if (r.inventory().lowerBound()) {
      md.append("**Every figure is a lower bound**: a service nobody called in the window is unknown here. ")
          .append("`meshscope report --services` with `kubectl get services -A -o json` makes it complete.\n");
    }
    for (String note : r.inventory().notes()) {
      md.append("- ").append(text(note)).append('\n');
    }
    md.append("\n## Per workload\n\n");
    List<MeshReport.WorkloadPayoff> workloads = r.workloads().stream()
        .sorted(Comparator.comparingLong(MeshReportMarkdown::saving).reversed()
            .thenComparing(MeshReport.WorkloadPayoff::workload))
        .limit(ROWS).toList();
    md.append(r.workloads().size() > ROWS
        ? "The " + ROWS + " of " + r.workloads().size() + " workloads whose Sidecars save the most; all are in mesh-report.json.\n\n"
        : "Largest saving first.\n\n");
    md.append("| workload | role | proxies | Sidecar | clusters per proxy | endpoints per proxy | memory per proxy |\n");
    md.append("|---|---|---:|---|---:|---:|---:|\n");
    for (MeshReport.WorkloadPayoff w : workloads) {
      md.append("| ").append(cell(w.workload())).append(" | ").append(cell(String.valueOf(w.role()))).append(" | ")
          .append(w.instances()).append(" | ")
          .append("emitted".equals(w.sidecar()) ? "yes" : "no: " + cell(String.valueOf(w.reason()))).append(" | ")
          .append(w.withoutPerProxy().clusters()).append(" → ").append(w.withPerProxy().clusters()).append(" | ")
          .append(w.withoutPerProxy().endpoints()).append(" → ").append(w.withPerProxy().endpoints()).append(" | ")
          .append(mb(w.withoutPerProxy().memory())).append(" → ").append(mb(w.withPerProxy().memory())).append(" |\n");
    }
    md.append("\n## Discovery scope: advice for review, never applied\n\n");
    md.append("Learned from the calls seen between ").append(r.windowStart()).append(" and ").append(r.windowEnd())
        .append(". A caller that made no call in that window is invisible here: check each item before applying it. ")
        .append("The savings are for proxies without a Sidecar; a Sidecar already drops what its workload does not call.\n\n");
    md.append("### Services no workload outside their namespace called: `exportTo: [\".\"]`\n\n");
    if (r.exportTo().isEmpty()) {
      md.append("None: every service was called from another namespace.\n");
    } else {
      md.append("If a caller outside the namespace exists after all, it finds no route to the service: blocked under "
          + "`REGISTRY_ONLY`, or sent through `PassthroughCluster` without mTLS under `ALLOW_ANY` (the JSON report "
          + "says so for each service).\n\n");
      md.append("| service | ports | callers in the window | proxies outside | estimated saving |\n");
      md.append("|---|---|---|---:|---:|\n");
      List<MeshReport.ExportToAdvice> shown = r.exportTo().stream()
          .sorted(Comparator.comparingLong((MeshReport.ExportToAdvice a) -> a.saving().high()).reversed()
              .thenComparing(MeshReport.ExportToAdvice::host))
          .limit(ROWS).toList();
      if (r.exportTo().size() > ROWS) {
        md.append("The ").append(ROWS).append(" of ").append(r.exportTo().size())
            .append(" services with the largest saving; all are in mesh-report.json.\n\n");
      }
      for (MeshReport.ExportToAdvice a : shown) {
        md.append("| ").append(a.host()).append(" | ").append(ports(a.ports())).append(" | ")
            .append(a.callers().isEmpty() ? "none seen" : cell(String.join(", ", a.callers()))).append(" | ")
            .append(a.proxiesOutside()).append(" | ").append(mb(a.saving())).append(" |\n");
      }
    }
    md.append("\n### Namespaces no other namespace called, calling no other: leave out of `discoverySelectors`\n\n");
    if (r.discoverySelectors().isEmpty()) {
      md.append("None: every namespace with services called, or was called from, another.\n");
    } else {
      md.append("| namespace | services | calls within it | proxies outside | estimated saving | if wrong |\n");
      md.append("|---|---:|---|---:|---:|---|\n");
      for (MeshReport.NamespaceAdvice a : r.discoverySelectors()) {
        md.append("| ").append(a.namespace()).append(" | ").append(a.services().size()).append(" | ")
            .append(a.callsWithin().isEmpty() ? "none" : cell(String.join(", ", a.callsWithin()))).append(" | ")
            .append(a.proxiesOutside()).append(" | ").append(mb(a.saving())).append(" | ").append(cell(a.ifWrong()))
            .append(" |\n");
      }
    }
    MeshReport.CostModel c = r.costModel();
    md.append("\n## How this is estimated\n\n");
    md.append("Memory per proxy = base + clusters × per cluster + endpoints × per endpoint + route entries × per entry, ")
        .append("as a low-high range (MB = 10^6 bytes). Sources and calibration: docs/payoff.md.\n\n");
    md.append("| | low | high |\n|---|---:|---:|\n");
    cost(md, "base (a proxy without service configuration)", c.base());
    cost(md, "per cluster", c.perCluster());
    cost(md, "per endpoint", c.perEndpoint());
    cost(md, "per HTTP route entry", c.perVirtualHost());
    md.append('\n');
    for (String source : c.sources()) {
      md.append("- ").append(text(source)).append('\n');
    }
    return md.toString();
  }

  /** Memory the workload's Sidecar saves, over all its proxies (the high end). */
  private static long saving(MeshReport.WorkloadPayoff w) {
    return (w.withoutPerProxy().memory().high() - w.withPerProxy().memory().high()) * w.instances();
  }

  private static void row(StringBuilder md, String what, long without, long with) {
    md.append(String.format(Locale.ROOT, "| %s | %,d | %,d | %.1f%% |%n", what, without, with,
        MeshPayoff.percentLess(without, with)));
  }

  private static void cost(StringBuilder md, String what, Range r) {
    md.append(String.format(Locale.ROOT, "| %s | %,d B | %,d B |%n", what, r.low(), r.high()));
  }

  /** What of a summed memory range is configuration: without each proxy's base. */
  private static Range configuration(Range memory, Range base, long proxies) {
    return new Range(Math.max(0, memory.low() - base.low() * proxies), Math.max(0, memory.high() - base.high() * proxies));
  }

  /** A byte range in MB, one decimal: {@code 12.3-24.6 MB}. */
  public static String mb(Range r) {
    return String.format(Locale.ROOT, "%,.1f-%,.1f MB", r.low() / 1e6, r.high() / 1e6);
  }

  private static String ports(List<Integer> ports) {
    return ports.isEmpty() ? "unknown" : String.join(", ", ports.stream().map(String::valueOf).toList());
  }

  /** Log-born text for a table cell: one line, no pipe, no control character, bounded. */
  static String cell(String value) {
    return text(value).replace("|", "\\|");
  }

  private static String text(String value) {
    return SafeText.escaped(value, 400).replace("`", "'").replace("<", "&lt;");
  }
}
