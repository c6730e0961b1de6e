package io.meshscope.analyzer.domain;

import io.meshscope.schemas.DependencyGraph;
import io.meshscope.schemas.Edge;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The whole mesh's graph as Graphviz DOT or Mermaid, for people and READMEs. */
public final class GraphRenderings {
  private GraphRenderings() {}

  public static String dot(Collection<DependencyGraph> graphs) {
    StringBuilder out = new StringBuilder("digraph meshscope {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n");
    for (DependencyGraph g : sorted(graphs)) {
      String caller = g.workload().key();
      out.append("  ").append(quote(caller)).append(g.role().equals("sidecar") ? "" : " [shape=ellipse]").append(";\n");
      for (Edge e : g.edges()) {
        out.append("  ").append(quote(caller)).append(" -> ").append(quote(e.host()))
            .append(" [label=").append(quote(label(e))).append(e.urgent() ? ", color=red" : "").append("];\n");
      }
    }
    return out.append("}\n").toString();
  }

  public static String mermaid(Collection<DependencyGraph> graphs) {
    Map<String, String> ids = new TreeMap<>();
    StringBuilder edges = new StringBuilder();
    for (DependencyGraph g : sorted(graphs)) {
      String from = id(ids, g.workload().key());
      for (Edge e : g.edges()) {
        edges.append("  ").append(from).append(" -->|").append(mermaidText(label(e))).append("| ")
            .append(id(ids, e.host())).append('\n');
      }
    }
    StringBuilder out = new StringBuilder("graph LR\n");
    ids.forEach((name, id) -> out.append("  ").append(id).append("[\"").append(mermaidText(name)).append("\"]\n"));
    return out.append(edges).toString();
  }

  private static List<DependencyGraph> sorted(Collection<DependencyGraph> graphs) {
    return graphs.stream().sorted(Comparator.comparing(g -> g.workload().key())).toList();
  }

  private static String label(Edge e) {
    return String.join("/", e.protocols()) + " " + e.ports().stream().map(String::valueOf)
        .reduce((a, b) -> a + "," + b).orElse("") + " (" + e.count() + ")";
  }

  private static String id(Map<String, String> ids, String name) {
    return ids.computeIfAbsent(name, n -> "n" + ids.size());
  }

  /** Names are validated hosts and Kubernetes names, but quoting stays strict anyway. */
  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static String mermaidText(String s) {
    return s.replace("\"", "#quot;").replace("|", "#124;");
  }
}
