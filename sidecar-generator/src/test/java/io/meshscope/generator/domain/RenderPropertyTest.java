package io.meshscope.generator.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.meshscope.schemas.DependencyGraph;
import io.meshscope.schemas.Edge;
import io.meshscope.schemas.Hosts;
import io.meshscope.schemas.WorkloadRef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Random graphs, hostile hosts among them, against an independent statement of the rules: the YAML
 * parses back to exactly the valid hosts, placed by namespace, plus what was configured; nothing
 * else, and no wildcard that was not configured or learned as a valid {@code *.} host.
 */
class RenderPropertyTest {

  private static final long SEED = 20250301L;
  private static final int RUNS = 600;
  private static final String[] NAMESPACES = {"bookinfo", "shop", "istio-system", "a", "default"};
  private static final Pattern IN_MESH = Pattern.compile("([a-z0-9-]+)\\.([a-z0-9-]+)\\.svc\\.cluster\\.local");

  private static final List<String> HOSTILE = List.of(
      "10.0.0.1", "1.2.3.4", "[::1]", "::ffff:10.0.0.1", "fe80::1", "2001:db8::1", "123.456",
      "a\u0000.com", "a.com\r\n", "tab\t.com", "bell\u0007.com", "del\u007f.com", "nl\u2028.com",
      "API.Example.com", "Details.bookinfo.svc.cluster.local",
      "*", "*/*", "*.", "*.*.com", "**.com", "a.*.com", "*com", "*/x.com", "./*", "istio-system/*",
      "../etc/passwd", "./x.com", "/x.com", "x.com/", "..", ".", ".x.com", "x.com.",
      "a: b", "- x", "#", "# x.com", "{}", "[]", "x.com #c", "\"q\".com", "'q'.com", "x.com\n- */*",
      "x.com\n  - evil/*", "&anchor.com", "*anchor.com", "!tag.com", "|.com", ">.com", "?x.com", "@x.com",
      "`x.com", "%x.com", "~", "~/*", "null", "yes", "on", "true", "0x10", "1e3", "", " ", " x.com", "x.com ",
      "a..com", "-a.com", "a-.com", "bücher.de", "xn--bcher-kva.de", "a_b.com", "localhost", "svc",
      "a".repeat(64) + ".com", "a".repeat(300), ("abcdefghij.".repeat(26)) + "com",
      "details.bookinfo.svc.cluster.local\u0000");

  /** Edge itself refuses a blank host, so those never reach a graph. */
  private static final List<String> HOSTILE_HOSTS = HOSTILE.stream().filter(h -> !h.isBlank()).toList();

  @Test
  void randomGraphsRenderExactlyTheValidHostsAndTheConfiguredOnes() {
    Random random = new Random(SEED);
    int hostileSeen = 0;
    for (int run = 0; run < RUNS; run++) {
      Case c = randomCase(random);
      RenderedSidecar sidecar = assertInstanceOf(RenderedSidecar.class, c.renderer.render(c.graph), c.toString());
      String context = "run " + run + " (seed " + SEED + "): " + c + "\n" + sidecar.yaml();

      JsonNode parsed = CrdSchema.assertValid(sidecar.yaml());
      List<String> hosts = CrdSchema.egressHosts(parsed);
      assertEquals(new ArrayList<>(expected(c)), hosts, context);
      assertEquals(c.graph.workload().name(), parsed.path("metadata").path("name").asText(), context);
      assertEquals(c.graph.workload().namespace(), parsed.path("metadata").path("namespace").asText(), context);

      for (String host : hosts) {
        assertTrue(host.chars().allMatch(ch -> ch > 0x20 && ch < 0x7f), "printable: " + context);
        EgressHost entry = EgressHost.parse(host);
        if (entry.isWildcard() || entry.namespace().equals("~")) {
          assertTrue(c.configured.contains(host) || learnedWildcard(c, host) || host.equals("~/*"),
              "wildcard " + host + " was neither configured nor learned: " + context);
        }
      }
      assertFalse(hosts.contains("*/*"), context);

      long invalid = c.graph.edges().stream().filter(e -> !Hosts.isValid(e.host())).count();
      hostileSeen += invalid;
      assertEquals(invalid, sidecar.dropped().size(), context);

      List<Edge> shuffled = new ArrayList<>(c.graph.edges());
      Collections.shuffle(shuffled, random);
      DependencyGraph reordered = Graphs.graph(c.graph.workload(), c.graph.revision(), shuffled);
      assertEquals(sidecar.yaml(), ((RenderedSidecar) c.renderer.render(reordered)).yaml(), "order-free: " + context);
    }
    assertTrue(hostileSeen > RUNS, "the generator produced hostile hosts: " + hostileSeen);
  }

  @Test
  void hostileWorkloadIdentitiesAreSkippedWithAOneLineReasonOrRenderValidYaml() {
    Random random = new Random(SEED + 1);
    SidecarRenderer renderer = SidecarRenderer.builder().build();
    int rendered = 0;
    for (int run = 0; run < RUNS; run++) {
      String namespace = random.nextInt(3) == 0 ? pick(random, HOSTILE) : pick(random, List.of(NAMESPACES));
      String name = random.nextInt(3) == 0 ? pick(random, HOSTILE) : "w" + random.nextInt(10);
      String labelKey = random.nextInt(4) == 0 ? pick(random, HOSTILE) : "app";
      String labelValue = random.nextInt(4) == 0 ? pick(random, HOSTILE) : name;
      if (namespace.isBlank() || name.isBlank()) {
        continue; // WorkloadRef itself refuses blank names
      }
      WorkloadRef workload = WorkloadRef.of(namespace, name, Map.of(labelKey, labelValue));
      RenderResult result = renderer.render(Graphs.graph(workload, 1, List.of(Graphs.edge("api.example.com"))));
      if (result instanceof SkippedWorkload skipped) {
        assertTrue(skipped.reason().chars().allMatch(ch -> ch >= 0x20 && ch != 0x7f), skipped.reason());
      } else {
        RenderedSidecar sidecar = (RenderedSidecar) result;
        JsonNode parsed = CrdSchema.assertValid(sidecar.yaml());
        assertEquals(name, parsed.path("metadata").path("name").asText());
        assertEquals(labelValue, parsed.path("spec").path("workloadSelector").path("labels").path(labelKey).asText());
        rendered++;
      }
    }
    assertTrue(rendered > RUNS / 4, "enough valid identities among the random ones: " + rendered);
  }

  /** One random scenario. */
  private record Case(SidecarRenderer renderer, DependencyGraph graph, List<String> defaults, List<String> pins,
      List<String> exclusions, String proxyEntry, SortedSet<String> configured) {
    @Override
    public String toString() {
      return "workload=" + graph.workload().key() + " edges=" + graph.edges().stream().map(Edge::host).toList()
          + " defaults=" + defaults + " pins=" + pins + " exclusions=" + exclusions + " proxy=" + proxyEntry;
    }
  }

  private static Case randomCase(Random random) {
    String namespace = pick(random, List.of(NAMESPACES));
    String name = "w" + random.nextInt(5);
    String key = namespace + "/" + name;

    List<Edge> edges = new ArrayList<>();
    int n = random.nextInt(16);
    for (int i = 0; i < n; i++) {
      Instant first = Graphs.T0.plusSeconds(random.nextInt(3600));
      edges.add(new Edge(randomHost(random), first, first.plusSeconds(random.nextInt(3600)), 1 + random.nextInt(1000),
          Set.of(1 + random.nextInt(65535)), Set.of(random.nextBoolean() ? "HTTP" : "TCP"),
          Set.of("outbound-cluster"), random.nextInt(10) == 0));
    }

    List<String> defaults = pickSome(random, List.of("istio-system/*", "monitoring/*", "./*",
        "kube-system/kube-dns.kube-system.svc.cluster.local", "telemetry.example.com"), 0.4);
    List<String> pins = pickSome(random, List.of("api.stripe.com", "*.googleapis.com", "payments/*",
        "ledger.payments.svc.cluster.local", "*/vault.example.com", "shop/cart.shop.svc.cluster.local"), 0.3);
    List<String> exclusions = new ArrayList<>(pickSome(random, List.of("istio-system/*", "api.stripe.com",
        "./*"), 0.2));
    // Sometimes exclude a host the graph really shows.
    for (Edge edge : edges) {
      if (Hosts.isValid(edge.host()) && random.nextInt(5) == 0 && !exclusions.contains(edge.host())) {
        exclusions.add(edge.host());
      }
    }
    boolean adaptive = random.nextInt(4) == 0;

    SidecarRenderer.Builder builder = SidecarRenderer.builder()
        .defaultHosts(defaults)
        .pinnedHosts(key, pins)
        .excludedHosts(key, exclusions);
    String proxyEntry = null;
    if (adaptive) {
      builder.adaptiveWorkloads(List.of(key)).egressProxy("istio-egressgateway.istio-system.svc.cluster.local", 443);
      proxyEntry = oracle(namespace, "istio-egressgateway.istio-system.svc.cluster.local");
    }
    SortedSet<String> configured = new TreeSet<>();
    defaults.forEach(h -> configured.add(oracle(namespace, h)));
    pins.forEach(h -> configured.add(oracle(namespace, h)));
    if (proxyEntry != null) {
      configured.add(proxyEntry);
    }
    return new Case(builder.build(), Graphs.graph(WorkloadRef.of(namespace, name, Map.of("app", name)), run(random),
        edges), defaults, pins, exclusions, proxyEntry, configured);
  }

  private static long run(Random random) {
    return random.nextInt(1000);
  }

  /** The rules, restated independently of the renderer. */
  private static SortedSet<String> expected(Case c) {
    String namespace = c.graph.workload().namespace();
    SortedSet<String> hosts = new TreeSet<>();
    for (Edge edge : c.graph.edges()) {
      if (Hosts.isValid(edge.host())) {
        hosts.add(oracle(namespace, edge.host()));
      }
    }
    c.defaults.forEach(h -> hosts.add(oracle(namespace, h)));
    c.pins.forEach(h -> hosts.add(oracle(namespace, h)));
    c.exclusions.forEach(h -> hosts.remove(oracle(namespace, h)));
    if (c.proxyEntry != null) {
      hosts.add(c.proxyEntry);
    }
    if (hosts.isEmpty()) {
      hosts.add("~/*");
    }
    return hosts;
  }

  /** Where a bare host goes; an explicit namespace/host stays as written. */
  private static String oracle(String workloadNamespace, String host) {
    if (host.contains("/")) {
      return host;
    }
    Matcher m = IN_MESH.matcher(host);
    if (m.matches()) {
      return (m.group(2).equals(workloadNamespace) ? "." : m.group(2)) + "/" + host;
    }
    return "*/" + host;
  }

  private static boolean learnedWildcard(Case c, String entry) {
    return entry.startsWith("*/*.") && c.graph.edges().stream()
        .anyMatch(e -> Hosts.isValid(e.host()) && entry.equals("*/" + e.host()));
  }

  private static String randomHost(Random random) {
    return switch (random.nextInt(7)) {
      case 0, 1 -> label(random) + "." + pick(random, List.of(NAMESPACES)) + ".svc.cluster.local";
      case 2 -> label(random) + "." + label(random) + "." + pick(random, List.of("com", "io", "net", "internal"));
      case 3 -> "*." + label(random) + ".com";
      case 4, 5 -> pick(random, HOSTILE_HOSTS);
      default -> junk(random);
    };
  }

  private static String label(Random random) {
    String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    int length = 1 + random.nextInt(12);
    StringBuilder out = new StringBuilder();
    out.append((char) ('a' + random.nextInt(26)));
    for (int i = 1; i < length; i++) {
      out.append(random.nextInt(8) == 0 && i < length - 1 ? '-' : alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return out.toString();
  }

  private static String junk(Random random) {
    String alphabet = "abcXYZ019.-*/:#{}[]'\"&!|>%@`~ \t\n\r\u0000\u00e9\u2028\\,?";
    StringBuilder out = new StringBuilder();
    int length = 1 + random.nextInt(40);
    for (int i = 0; i < length; i++) {
      out.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    String s = out.toString();
    return s.isBlank() ? "x" + s : s;
  }

  private static <T> T pick(Random random, List<T> from) {
    return from.get(random.nextInt(from.size()));
  }

  private static List<String> pickSome(Random random, List<String> from, double chance) {
    List<String> out = new ArrayList<>();
    for (String s : from) {
      if (random.nextDouble() < chance) {
        out.add(s);
      }
    }
    return out;
  }
}
