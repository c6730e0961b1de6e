package io.meshscope.generator.domain;

import io.meshscope.schemas.SafeText;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meshscope.schemas.DependencyGraph;
import io.meshscope.schemas.Edge;
import io.meshscope.schemas.Hosts;
import io.meshscope.schemas.WorkloadRef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Renders a workload's dependency graph as an Istio {@code networking.istio.io/v1} {@code Sidecar}.
 * Immutable and thread-safe; make one with {@link #builder()}, which checks every setting in
 * {@link Builder#build()}.
 *
 * <p>{@code egress[0].hosts} is, sorted and without duplicates: every edge host mapped by
 * {@link EgressHostMapper}, the default hosts, the workload's pinned hosts, minus the workload's
 * excluded entries, plus, in adaptive mode, the egress proxy's host (after the exclusions: the CRD
 * requires it there). Edge hosts that {@link Hosts#isValid} refuses are dropped and reported. When
 * nothing is left the list is {@code ~/*} (import nothing): an empty list is invalid and a missing
 * {@code egress} would import the whole mesh.
 */
public final class SidecarRenderer {

  public static final String API_VERSION = "networking.istio.io/v1";
  public static final String KIND = "Sidecar";
  public static final String SIDECAR_ROLE = "sidecar";
  public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
  public static final String MANAGED_BY = "meshscope";
  public static final String GRAPH_REVISION_ANNOTATION = "meshscope.io/graph-revision";
  public static final String OBSERVED_FROM_ANNOTATION = "meshscope.io/observed-from";
  public static final String OBSERVED_UNTIL_ANNOTATION = "meshscope.io/observed-until";
  public static final List<String> DEFAULT_HOSTS = List.of("istio-system/*");
  /** The fallback egress proxy that {@code deploy/fallback.yaml} installs, the analyzer's default too. */
  public static final EgressProxy DEFAULT_EGRESS_PROXY =
      new EgressProxy("istio-axds-egressgateway.istio-system.svc.cluster.local", 80);

  private final GeneratorMode mode;
  private final EgressHostMapper mapper;
  private final List<ConfiguredHost> defaultHosts;
  private final SortedMap<String, List<ConfiguredHost>> pinnedHosts;
  private final SortedMap<String, List<ConfiguredHost>> excludedHosts;
  private final SortedSet<String> adaptiveNamespaces;
  private final SortedSet<String> adaptiveWorkloads;
  private final EgressProxy egressProxy;

  private SidecarRenderer(Builder b, EgressHostMapper mapper, List<ConfiguredHost> defaults,
      SortedMap<String, List<ConfiguredHost>> pinned, SortedMap<String, List<ConfiguredHost>> excluded) {
    this.mode = b.mode;
    this.mapper = mapper;
    this.defaultHosts = List.copyOf(defaults);
    this.pinnedHosts = Collections.unmodifiableSortedMap(pinned);
    this.excludedHosts = Collections.unmodifiableSortedMap(excluded);
    this.adaptiveNamespaces = Collections.unmodifiableSortedSet(new TreeSet<>(b.adaptiveNamespaces));
    this.adaptiveWorkloads = Collections.unmodifiableSortedSet(new TreeSet<>(b.adaptiveWorkloads));
    this.egressProxy = b.egressProxy;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this renderer's settings, to derive another. */
  public Builder toBuilder() {
    Builder b = new Builder()
        .mode(mode)
        .meshDomain(mapper.meshDomain())
        .defaultHosts(texts(defaultHosts))
        .adaptiveNamespaces(adaptiveNamespaces)
        .adaptiveWorkloads(adaptiveWorkloads)
        .egressProxy(egressProxy);
    pinnedHosts.forEach((k, v) -> b.pinnedHosts(k, texts(v)));
    excludedHosts.forEach((k, v) -> b.excludedHosts(k, texts(v)));
    return b;
  }

  private static List<String> texts(List<ConfiguredHost> hosts) {
    return hosts.stream().map(ConfiguredHost::text).toList();
  }

  public EgressHostMapper mapper() {
    return mapper;
  }

  /**
   * Every default and pinned host, as a Sidecar entry: what proxies reach whether or not the logs
   * show it (the receiver itself, for one). A bare host stands for itself in any namespace.
   */
  public List<EgressHost> configuredHosts() {
    List<EgressHost> out = new ArrayList<>();
    java.util.stream.Stream.concat(defaultHosts.stream(), pinnedHosts.values().stream().flatMap(List::stream))
        .forEach(h -> out.add(h.explicit() != null ? h.explicit() : new EgressHost("*", h.text())));
    return out;
  }

  public Optional<EgressProxy> egressProxy() {
    return Optional.ofNullable(egressProxy);
  }

  /** The mode the config gives a workload: adaptive when configured for all, its namespace or itself. */
  public GeneratorMode modeOf(WorkloadRef workload) {
    return configuredMode(workload).mode();
  }

  /**
   * The mode a workload's Sidecar is rendered in, and why: what its pods ask for with
   * {@code sidecar.meshscope.io/mode} (the graph carries it), else the config (docs/adaptive.md,
   * "Switching it on").
   */
  public ModeChoice modeOf(DependencyGraph graph) {
    if (graph.mode() != null) {
      for (GeneratorMode m : GeneratorMode.values()) {
        if (m.label().equals(graph.mode())) {
          return new ModeChoice(m, graph.modeSource() == null ? "the pods" : graph.modeSource());
        }
      }
    }
    ModeChoice configured = configuredMode(graph.workload());
    // A pod's value that was ignored (invalid) is shown beside the config's choice.
    return graph.modeSource() == null ? configured
        : new ModeChoice(configured.mode(), configured.source() + "; " + graph.modeSource());
  }

  private ModeChoice configuredMode(WorkloadRef workload) {
    if (mode == GeneratorMode.ADAPTIVE) {
      return new ModeChoice(GeneratorMode.ADAPTIVE, "generator config: mode adaptive");
    }
    if (adaptiveWorkloads.contains(workload.key())) {
      return new ModeChoice(GeneratorMode.ADAPTIVE, "generator config: adaptive.workloads");
    }
    if (adaptiveNamespaces.contains(workload.namespace())) {
      return new ModeChoice(GeneratorMode.ADAPTIVE, "generator config: adaptive.namespaces");
    }
    return new ModeChoice(GeneratorMode.RECOMMEND, "generator config: mode recommend");
  }

  /** Renders the graph's Sidecar, or says why the workload gets none. */
  public RenderResult render(DependencyGraph graph) {
    return render(graph, Map.of());
  }

  /**
   * As {@link #render(DependencyGraph)}, keeping entries the graph no longer shows: the emit policy
   * holds aged-out hosts back until the graph has been quiet, while it publishes additions sooner.
   *
   * @param retained entries of an earlier rendering ({@code namespace/host}) and why they were there
   */
  public RenderResult render(DependencyGraph graph, Map<String, HostSource> retained) {
    WorkloadRef workload = graph.workload();
    ModeChoice choice = modeOf(graph);
    GeneratorMode workloadMode = choice.mode();
    Optional<String> skip = workloadMode == GeneratorMode.OFF
        ? Optional.of("sidecar.meshscope.io/mode is off, so the workload keeps the whole mesh's configuration ("
            + choice.source() + ")")
        : skipReason(graph);
    if (skip.isPresent()) {
      return new SkippedWorkload(workload, graph.revision(), workloadMode, choice.source(), skip.get());
    }
    String namespace = workload.namespace();

    Map<String, Edge> learned = new TreeMap<>();
    List<DroppedHost> dropped = new ArrayList<>();
    for (Edge edge : graph.edges()) {
      Optional<EgressHost> entry = mapper.map(namespace, edge.host());
      if (entry.isEmpty()) {
        dropped.add(new DroppedHost(SafeText.escaped(edge.host()),
            Hosts.problem(edge.host()).map(Hosts.Problem::label).orElse("invalid")));
        continue;
      }
      learned.merge(entry.get().toString(), edge, SidecarRenderer::merge);
    }
    dropped.sort(Comparator.comparing(DroppedHost::host).thenComparing(DroppedHost::reason));

    SortedMap<String, Set<String>> origins = new TreeMap<>();
    SortedMap<String, Edge> evidence = new TreeMap<>();
    learned.forEach((host, edge) -> {
      origins.computeIfAbsent(host, h -> new TreeSet<>()).add(HostSource.LEARNED);
      evidence.put(host, edge);
    });
    retained.forEach((host, source) -> {
      String entry = EgressHost.parse(host).toString();
      if (!origins.containsKey(entry)) {
        origins.put(entry, new TreeSet<>(source.origins()));
        if (source.edge() != null) {
          evidence.put(entry, source.edge());
        }
      }
    });
    for (ConfiguredHost host : defaultHosts) {
      origins.computeIfAbsent(host.resolve(namespace, mapper).toString(), h -> new TreeSet<>()).add(HostSource.DEFAULT);
    }
    for (ConfiguredHost host : pinnedHosts.getOrDefault(workload.key(), List.of())) {
      origins.computeIfAbsent(host.resolve(namespace, mapper).toString(), h -> new TreeSet<>()).add(HostSource.PINNED);
    }
    List<String> excluded = new ArrayList<>();
    for (ConfiguredHost host : excludedHosts.getOrDefault(workload.key(), List.of())) {
      String entry = host.resolve(namespace, mapper).toString();
      if (origins.remove(entry) != null) {
        evidence.remove(entry);
        excluded.add(entry);
      }
    }
    Collections.sort(excluded);
    if (workloadMode == GeneratorMode.ADAPTIVE) {
      String proxyEntry = mapper.map(namespace, egressProxy.host()).orElseThrow().toString();
      origins.computeIfAbsent(proxyEntry, h -> new TreeSet<>()).add(HostSource.EGRESS_PROXY);
    }

    SortedMap<String, HostSource> sources = new TreeMap<>();
    origins.forEach((host, o) -> sources.put(host, HostSource.of(o, evidence.get(host))));
    List<String> hosts = sources.isEmpty() ? List.of(EgressHost.NONE.toString()) : List.copyOf(sources.keySet());

    String yaml = SidecarYaml.write(tree(graph, workloadMode, hosts, true));
    String contentKey = SidecarYaml.write(tree(graph, workloadMode, hosts, false));
    return new RenderedSidecar(workload, graph.revision(), workloadMode, choice.source(), yaml, contentKey, hosts,
        sources,
        dropped, excluded, graph.instances());
  }

  /** Two edges for one host only come from a malformed graph; merging keeps the result order-free. */
  private static Edge merge(Edge a, Edge b) {
    Set<Integer> ports = new TreeSet<>(a.ports());
    ports.addAll(b.ports());
    Set<String> protocols = new TreeSet<>(a.protocols());
    protocols.addAll(b.protocols());
    Set<String> provenance = new TreeSet<>(a.provenance());
    provenance.addAll(b.provenance());
    String host = a.host().compareTo(b.host()) <= 0 ? a.host() : b.host();
    Instant first = a.firstSeen().isBefore(b.firstSeen()) ? a.firstSeen() : b.firstSeen();
    Instant last = a.lastSeen().isAfter(b.lastSeen()) ? a.lastSeen() : b.lastSeen();
    Instant fallback = a.fallbackLastSeen() == null ? b.fallbackLastSeen()
        : b.fallbackLastSeen() == null || a.fallbackLastSeen().isAfter(b.fallbackLastSeen()) ? a.fallbackLastSeen()
        : b.fallbackLastSeen();
    return new Edge(host, first, last, a.count() + b.count(), ports, protocols, provenance, a.urgent() || b.urgent(),
        fallback);
  }

  private Optional<String> skipReason(DependencyGraph graph) {
    WorkloadRef w = graph.workload();
    if (!SIDECAR_ROLE.equals(graph.role())) {
      return Optional.of("proxy role " + SafeText.quoted(graph.role())
          + " is not a sidecar: gateways, waypoints and ztunnel take no Sidecar resource");
    }
    if (graph.selectorConflict() != null) {
      // A Sidecar would silently skip the pods its selector misses, or must not select at all.
      return Optional.of("no selector selects every instance seen within the edge TTL: "
          + SafeText.escaped(graph.selectorConflict()));
    }
    if (w.selector().isEmpty()) {
      return Optional.of("no selector label: the workload's name did not come from a pod label"
          + " (service.istio.io/canonical-name, app.kubernetes.io/name or app), so no Sidecar can select its pods");
    }
    Optional<String> problem = KubernetesNames.namespaceProblem(w.namespace());
    if (problem.isPresent()) {
      return Optional.of("namespace " + SafeText.quoted(w.namespace()) + " " + problem.get());
    }
    problem = KubernetesNames.objectNameProblem(w.name());
    if (problem.isPresent()) {
      return Optional.of("workload name " + SafeText.quoted(w.name()) + " " + problem.get()
          + ", so it cannot name a Sidecar");
    }
    for (Map.Entry<String, String> label : w.selector().entrySet()) {
      problem = KubernetesNames.labelKeyProblem(label.getKey());
      if (problem.isPresent()) {
        return Optional.of("selector label key " + SafeText.quoted(label.getKey()) + " " + problem.get());
      }
      problem = KubernetesNames.selectorValueProblem(label.getValue());
      if (problem.isPresent()) {
        return Optional.of("selector label " + SafeText.escaped(label.getKey()) + "="
            + SafeText.quoted(label.getValue()) + " " + problem.get());
      }
    }
    return Optional.empty();
  }

  private ObjectNode tree(DependencyGraph graph, GeneratorMode workloadMode, List<String> hosts, boolean provenance) {
    WorkloadRef workload = graph.workload();
    ObjectNode root = SidecarYaml.NODES.objectNode();
    root.put("apiVersion", API_VERSION);
    root.put("kind", KIND);
    ObjectNode metadata = root.putObject("metadata");
    metadata.put("name", workload.name());
    metadata.put("namespace", workload.namespace());
    metadata.putObject("labels").put(MANAGED_BY_LABEL, MANAGED_BY);
    if (provenance) {
      SortedMap<String, String> annotations = new TreeMap<>();
      annotations.put(GRAPH_REVISION_ANNOTATION, Long.toString(graph.revision()));
      if (graph.windowStart() != null) {
        annotations.put(OBSERVED_FROM_ANNOTATION, graph.windowStart().toString());
      }
      if (graph.windowEnd() != null) {
        annotations.put(OBSERVED_UNTIL_ANNOTATION, graph.windowEnd().toString());
      }
      ObjectNode node = metadata.putObject("annotations");
      annotations.forEach(node::put);
    }
    ObjectNode spec = root.putObject("spec");
    ObjectNode labels = spec.putObject("workloadSelector").putObject("labels");
    // WorkloadRef keeps its selector sorted.
    workload.selector().forEach(labels::put);
    ArrayNode hostList = spec.putArray("egress").addObject().putArray("hosts");
    hosts.forEach(hostList::add);
    if (workloadMode == GeneratorMode.ADAPTIVE) {
      ObjectNode policy = spec.putObject("outboundTrafficPolicy");
      policy.put("mode", "ALLOW_ANY");
      ObjectNode proxy = policy.putObject("egressProxy");
      proxy.put("host", egressProxy.host());
      proxy.putObject("port").put("number", egressProxy.port());
    }
    return root;
  }

  /** The settings, one per line, for a start-up log. */
  @Override
  public String toString() {
    return "mode=" + mode.label()
        + "\nmeshDomain=" + mapper.meshDomain()
        + "\ndefaultHosts=" + defaultHosts
        + "\negressProxy=" + (egressProxy == null ? "none" : egressProxy.host() + ":" + egressProxy.port())
        + "\nadaptive.namespaces=" + adaptiveNamespaces
        + "\nadaptive.workloads=" + adaptiveWorkloads
        + "\npinnedHosts=" + pinnedHosts
        + "\nexcludedHosts=" + excludedHosts;
  }

  /**
   * The renderer's settings. Setters only store; {@link #build()} checks everything and names the
   * offending setting by its path in the config file.
   */
  public static final class Builder {
    private GeneratorMode mode = GeneratorMode.RECOMMEND;
    private String meshDomain = EgressHostMapper.DEFAULT_MESH_DOMAIN;
    private List<String> defaultHosts = DEFAULT_HOSTS;
    private final Map<String, List<String>> pinnedHosts = new LinkedHashMap<>();
    private final Map<String, List<String>> excludedHosts = new LinkedHashMap<>();
    private List<String> adaptiveNamespaces = List.of();
    private List<String> adaptiveWorkloads = List.of();
    private EgressProxy egressProxy = DEFAULT_EGRESS_PROXY;

    private Builder() {}

    /** The mode of every workload; {@code recommend} (the default) leaves adaptive to the lists below. */
    public Builder mode(GeneratorMode mode) {
      this.mode = mode;
      return this;
    }

    /** The cluster's DNS domain, default {@code cluster.local}: tells in-mesh service hosts apart. */
    public Builder meshDomain(String meshDomain) {
      this.meshDomain = meshDomain;
      return this;
    }

    /** Hosts every Sidecar gets, default {@code istio-system/*}; an empty list for none. */
    public Builder defaultHosts(Collection<String> hosts) {
      this.defaultHosts = copy(hosts);
      return this;
    }

    /** Hosts one workload ({@code namespace/name}) always gets, learned or not. Replaces earlier ones. */
    public Builder pinnedHosts(String workloadKey, Collection<String> hosts) {
      this.pinnedHosts.put(workloadKey, copy(hosts));
      return this;
    }

    /** Entries one workload ({@code namespace/name}) never gets, even when learned. Replaces earlier ones. */
    public Builder excludedHosts(String workloadKey, Collection<String> hosts) {
      this.excludedHosts.put(workloadKey, copy(hosts));
      return this;
    }

    /** Namespaces whose workloads are rendered in adaptive mode. */
    public Builder adaptiveNamespaces(Collection<String> namespaces) {
      this.adaptiveNamespaces = copy(namespaces);
      return this;
    }

    /** Workloads ({@code namespace/name}) rendered in adaptive mode. */
    public Builder adaptiveWorkloads(Collection<String> workloadKeys) {
      this.adaptiveWorkloads = copy(workloadKeys);
      return this;
    }

    /** Where adaptive Sidecars send unlisted calls; {@link #DEFAULT_EGRESS_PROXY} unless set. */
    public Builder egressProxy(EgressProxy egressProxy) {
      this.egressProxy = egressProxy;
      return this;
    }

    public Builder egressProxy(String host, int port) {
      return egressProxy(new EgressProxy(host, port));
    }

    private static List<String> copy(Collection<String> values) {
      // Nulls inside are kept so build() can name their position.
      return values == null ? null : Collections.unmodifiableList(new ArrayList<>(values));
    }

    public SidecarRenderer build() {
      if (mode == null) {
        throw new InvalidConfigException("mode", "must be recommend or adaptive, was null");
      }
      Optional<String> domainProblem = EgressHostMapper.meshDomainProblem(meshDomain);
      if (domainProblem.isPresent()) {
        throw new InvalidConfigException("meshDomain", domainProblem.get());
      }
      EgressHostMapper mapper = new EgressHostMapper(meshDomain);
      List<ConfiguredHost> defaults = hosts("defaultHosts", defaultHosts);
      SortedMap<String, List<ConfiguredHost>> pinned = perWorkload(pinnedHosts, "pinnedHosts");
      SortedMap<String, List<ConfiguredHost>> excluded = perWorkload(excludedHosts, "excludedHosts");
      requireNoNulls("adaptive.namespaces", adaptiveNamespaces);
      for (int i = 0; i < adaptiveNamespaces.size(); i++) {
        String ns = adaptiveNamespaces.get(i);
        Optional<String> problem = KubernetesNames.namespaceProblem(ns);
        if (problem.isPresent()) {
          throw new InvalidConfigException("adaptive.namespaces[" + i + "]", SafeText.quoted(ns) + " " + problem.get());
        }
      }
      requireNoNulls("adaptive.workloads", adaptiveWorkloads);
      for (int i = 0; i < adaptiveWorkloads.size(); i++) {
        requireWorkloadKey("adaptive.workloads[" + i + "]", adaptiveWorkloads.get(i));
      }
      if (egressProxy == null) {
        // A pod's label can make any workload adaptive, so there is always a fallback to name.
        throw new InvalidConfigException("egressProxy", "must not be null");
      }
      return new SidecarRenderer(this, mapper, defaults, pinned, excluded);
    }

    private static List<ConfiguredHost> hosts(String setting, List<String> values) {
      requireNoNulls(setting, values);
      List<ConfiguredHost> hosts = new ArrayList<>();
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < values.size(); i++) {
        String path = setting + "[" + i + "]";
        ConfiguredHost host = ConfiguredHost.parse(path, values.get(i));
        if (!seen.add(host.text())) {
          throw new InvalidConfigException(path, SafeText.quoted(host.text()) + " is listed twice");
        }
        hosts.add(host);
      }
      return hosts;
    }

    private static SortedMap<String, List<ConfiguredHost>> perWorkload(Map<String, List<String>> byWorkload,
        String setting) {
      SortedMap<String, List<ConfiguredHost>> out = new TreeMap<>();
      byWorkload.forEach((key, values) -> {
        requireWorkloadKey("workloads." + SafeText.escaped(String.valueOf(key)), key);
        out.put(key, hosts("workloads." + key + "." + setting, values));
      });
      return out;
    }

    private static void requireNoNulls(String setting, List<String> values) {
      if (values == null) {
        throw new InvalidConfigException(setting, "must be a list, was null");
      }
      for (int i = 0; i < values.size(); i++) {
        if (values.get(i) == null) {
          throw new InvalidConfigException(setting + "[" + i + "]", "must not be null");
        }
      }
    }

    static void requireWorkloadKey(String setting, String key) {
      int slash = key == null ? -1 : key.indexOf('/');
      if (slash < 0 || KubernetesNames.namespaceProblem(key.substring(0, slash)).isPresent()
          || KubernetesNames.objectNameProblem(key.substring(slash + 1)).isPresent()) {
        throw new InvalidConfigException(setting, SafeText.quoted(key)
            + " is not a workload as namespace/name, e.g. bookinfo/productpage");
      }
    }
  }
}
