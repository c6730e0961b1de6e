package io.meshscope.bench;

import io.meshscope.generator.PayoffReporter;
import io.meshscope.generator.domain.RenderResult;
import io.meshscope.generator.domain.RenderedSidecar;
import io.meshscope.generator.domain.SidecarRenderer;
import io.meshscope.generator.domain.payoff.MeshReportMarkdown;
import io.meshscope.schemas.DependencyGraph;
import io.meshscope.schemas.Edge;
import io.meshscope.schemas.MeshReport;
import io.meshscope.schemas.SidecarRecommendation;
import io.meshscope.schemas.Topics;
import io.meshscope.schemas.WorkloadRef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The mesh report on a synthetic mesh (default 5,000 workloads in 100 namespaces, each calling 10
 * services, mostly of its own namespace), as the generator and {@code meshscope report} make it:
 * from the graph and Sidecar records to Markdown and JSON. The baseline, in the same run, is what
 * any reader of the two compacted topics pays anyway: deserializing their records. Warm: every
 * figure is the median of runs after warm-up runs.
 *
 * <pre>bench/report.sh [--workloads N] [--namespaces N] [--fan-out N] [--runs N]</pre>
 */
public final class ReportBenchmark {

  public static void main(String[] args) {
    int workloads = 5_000;
    int namespaces = 100;
    int fanOut = 10;
    int runs = 15;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--workloads" -> workloads = Integer.parseInt(args[++i]);
        case "--namespaces" -> namespaces = Integer.parseInt(args[++i]);
        case "--fan-out" -> fanOut = Integer.parseInt(args[++i]);
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i] + "; see bench/report.sh --help");
      }
    }
    Instant now = Instant.parse("2026-12-01T00:00:00Z");
    SidecarRenderer renderer = SidecarRenderer.builder().build();
    Map<String, byte[]> graphBytes = new TreeMap<>();
    Map<String, byte[]> sidecarBytes = new TreeMap<>();
    synthesize(workloads, namespaces, fanOut, now, renderer, graphBytes, sidecarBytes);
    System.out.printf(Locale.ROOT, "synthetic mesh: %,d workloads in %,d namespaces, %d callees each; %,d graph bytes, "
        + "%,d Sidecar bytes%n", workloads, namespaces, fanOut, total(graphBytes), total(sidecarBytes));

    PayoffReporter reporter = new PayoffReporter(renderer, List.of());
    Deserializer<DependencyGraph> graphs = Topics.dependencyGraphs().valueSerde().deserializer();
    Deserializer<SidecarRecommendation> sidecars = Topics.sidecars().valueSerde().deserializer();
    long[] read = new long[runs];
    long[] report = new long[runs];
    long[] write = new long[runs];
    MeshReport last = null;
    int warmup = Math.max(3, runs / 3);
    for (int run = -warmup; run < runs; run++) {
      long t0 = System.nanoTime();
      Map<String, DependencyGraph> g = new HashMap<>();
      graphBytes.forEach((k, v) -> g.put(k, graphs.deserialize("g", v)));
      Map<String, SidecarRecommendation> s = new HashMap<>();
      sidecarBytes.forEach((k, v) -> s.put(k, sidecars.deserialize("s", v)));
      long t1 = System.nanoTime();
      last = reporter.report(g, s, now);
      long t2 = System.nanoTime();
      String md = MeshReportMarkdown.render(last);
      byte[] json = Topics.meshReport().valueSerde().serializer().serialize("r", last);
      long t3 = System.nanoTime();
      if (md.isEmpty() || json.length == 0) {
        throw new IllegalStateException("empty report");
      }
      if (run >= 0) {
        read[run] = t1 - t0;
        report[run] = t2 - t1;
        write[run] = t3 - t2;
      }
    }
    MeshReport.Totals t = last.totals();
    System.out.printf(Locale.ROOT, "report: %,d proxies, %,d services; clusters %,d -> %,d (%.1f%% less); memory %s -> %s "
        + "(%.1f%% less); %d exportTo and %d discoverySelectors advice%n", t.proxies(), last.inventory().services(),
        t.without().clusters(), t.with().clusters(), t.clusterReductionPercent(), MeshReportMarkdown.mb(t.without().memory()),
        MeshReportMarkdown.mb(t.with().memory()), t.memoryReductionPercent(), last.exportTo().size(),
        last.discoverySelectors().size());
    double readMs = median(read) / 1e6;
    double reportMs = median(report) / 1e6;
    double writeMs = median(write) / 1e6;
    System.out.printf(Locale.ROOT, "warm medians of %d runs (after %d warm-up runs): deserializing the topics' records "
        + "%.1f ms (baseline); computing the report %.1f ms; Markdown and JSON %.1f ms%n", runs, warmup, readMs, reportMs,
        writeMs);
    System.out.printf(Locale.ROOT, "ratio: report + writing / deserializing = %.2f%n", (reportMs + writeMs) / readMs);
  }

  /**
   * Workload w of namespace n calls {@code fanOut} services: most in its namespace, one in the next
   * namespace, and every tenth workload an external API. Instances 1-5. The last namespace calls
   * nothing outside itself and is called by nobody, so the advice has a namespace to find.
   */
  private static void synthesize(int workloads, int namespaces, int fanOut, Instant now, SidecarRenderer renderer,
      Map<String, byte[]> graphBytes, Map<String, byte[]> sidecarBytes) {
    Random random = new Random(42);
    int perNamespace = Math.max(1, workloads / namespaces);
    var graphSerde = Topics.dependencyGraphs().valueSerde().serializer();
    var sidecarSerde = Topics.sidecars().valueSerde().serializer();
    for (int w = 0; w < workloads; w++) {
      int n = w / perNamespace;
      String ns = "ns" + n;
      List<Edge> edges = new ArrayList<>();
      for (int k = 0; k < fanOut; k++) {
        int target = random.nextInt(perNamespace);
        String targetNs = ns;
        if (k == 0 && n + 1 < namespaces - 1) {
          targetNs = "ns" + (n + 1);
        }
        edges.add(new Edge("w" + target + "." + targetNs + ".svc.cluster.local", now.minusSeconds(3600),
            now.minusSeconds(random.nextInt(600)), 1 + random.nextInt(1000), Set.of(8080), Set.of("HTTP"),
            Set.of("outbound-cluster"), false));
      }
      if (w % 10 == 0 && n < namespaces - 1) {
        edges.add(new Edge("api" + (w % 37) + ".example.com", now.minusSeconds(3600), now.minusSeconds(30), 5,
            Set.of(443), Set.of("TCP"), Set.of("passthrough-sni"), false));
      }
      Map<String, Edge> unique = new TreeMap<>();
      edges.forEach(e -> unique.putIfAbsent(e.host(), e));
      WorkloadRef ref = WorkloadRef.of(ns, "w" + (w % perNamespace), Map.of("app", "w" + (w % perNamespace)));
      DependencyGraph graph = new DependencyGraph(DependencyGraph.CURRENT_VERSION, ref, "sidecar", 3, now,
          now.minusSeconds(3600), now, List.copyOf(unique.values()), List.of(), 1 + random.nextInt(5), null);
      graphBytes.put(ref.key(), graphSerde.serialize("g", graph));
      RenderResult rendered = renderer.render(graph);
      if (rendered instanceof RenderedSidecar s) {
        sidecarBytes.put(ref.key(), sidecarSerde.serialize("s", new SidecarRecommendation(
            SidecarRecommendation.CURRENT_VERSION, ref, "emitted", null, 3, now, "recommend", s.yaml(), null)));
      }
    }
  }

  private static long total(Map<String, byte[]> records) {
    return records.values().stream().mapToLong(b -> b.length).sum();
  }

  private static long median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
