package io.meshscope.analyzer.domain;

import io.meshscope.schemas.DependencyGraph;
import io.meshscope.schemas.Edge;
import io.meshscope.schemas.RejectedHost;
import io.meshscope.schemas.WorkloadRef;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The steps {@link GraphRules} is made of: folding an observation into a workload's
 * {@link GraphState} and aging edges out (docs/architecture.md, "Analyzer state and aging"). A step
 * says whether the graph must be published: only when what a Sidecar depends on changed (the set of
 * hosts, the selector, the role), never for a count increment.
 */
public final class GraphMerge {

  /** The state after a step, and whether it must be published. */
  public record Step(GraphState state, boolean publish) {}

  /**
   * @param maxEdges hosts kept per workload: past it a new host is refused ({@code edge-limit}), so a
   *     client that forges endless valid names cannot grow a graph, or a Sidecar, without bound
   * @param maxRejected refused values kept per workload, newest first
   */
  public record Limits(int maxEdges, int maxRejected, int maxPortsPerEdge) {
    public static final Limits DEFAULT = new Limits(500, 50, 16);

    /**
     * Hosts that only other proxies' logs vouch for (see {@link #SECONDHAND}) may take at most half
     * of a graph, so that they can never lock its own proxy's hosts out.
     */
    public int maxSecondhand() {
      return Math.max(1, maxEdges / 2);
    }

    /**
     * Hosts of one namespace that only callees' inbound logs vouch for. An inbound host is a service
     * of the reporting pod's own namespace, so this bounds what the pods of one namespace can put into
     * another workload's graph: a namespace whose pods a caller really calls this often also shows in
     * the caller's own logs, which this limit does not touch.
     */
    public int maxInboundPerNamespace() {
      return Math.max(1, Math.min(32, maxSecondhand()));
    }
  }

  /**
   * Provenance that another proxy reported: the callee seeing the call inbound, or the fallback
   * egress proxy forwarding it. The workload's own proxy did not, and any pod's proxy can claim to
   * have seen anyone call it, so what these alone add to a graph is bounded (docs/architecture.md,
   * "Edge rules").
   */
  static final Set<String> SECONDHAND =
      Set.of("inbound-peer-metadata", "inbound-ip", "inbound-peer-certificate", "egress-gateway");

  /**
   * Provenance of a call that went through the fallback egress proxy of an adaptive Sidecar: the
   * caller's own entry for it, or the fallback's (docs/adaptive.md, "What is learned").
   */
  public static final Set<String> THROUGH_FALLBACK = Set.of("fallback-authority", "fallback-sni", "egress-gateway");

  // Sets of ports, protocols and provenance come in few combinations across a mesh. Edges that
  // merging makes or changes share one copy of each: merging reads an edge's sets for every
  // observation, and its own copies, scattered over the heap, missed the CPU cache (a few percent
  // of the stream threads). States read back from the store (after a restart) keep their own sets
  // until an edge's set changes. Bounded and never emptied, because ports come from logs: past the
  // bound an edge keeps its own copy, which costs speed, not correctness.
  static final int MAX_SHARED_SETS = 4_096;
  private final Map<Set<?>, Set<?>> sharedSets = new ConcurrentHashMap<>();
  private final Limits limits;

  /** Instances kept per workload: pods come and go, and an identity could be forged many times. */
  static final int MAX_INSTANCES = 256;
  private static final Duration INSTANCE_RESTAMP = Duration.ofMinutes(1);
  /**
   * How recently before a graph's last entry an instance must have reported to count as running.
   * Instances are kept for the edge TTL, because the selector must select every pod that may still
   * call; counted for that long, a rolling restart would double the proxies a Sidecar shrinks for a
   * week (docs/payoff.md, "Proxies").
   */
  static final Duration ACTIVE_INSTANCE = Duration.ofHours(1);

  public GraphMerge(Limits limits) {
    this.limits = limits;
  }

  /** Whether {@code state} has no room for another host. */
  public boolean full(GraphState state) {
    return state != null && state.edges().size() >= limits.maxEdges();
  }

  public Step apply(GraphState before, Observation o) {
    GraphState state = before != null ? before
        : new GraphState(o.workload(), o.role(), 0, o.at(), o.at(), Map.of(), Map.of(), false, null, Map.of());
    WorkloadRef workload = state.workload();
    Map<String, GraphState.InstanceState> instances = state.instances();
    if (o.instance() != null) {
      GraphState.InstanceState known = instances.get(o.instance().id());
      // A known instance with the same labels is stamped again only every minute of event time:
      // aging compares it with the TTL, days, and a new map per record was waste.
      if (known == null || !known.nameLabels().equals(o.instance().nameLabels())
          || !java.util.Objects.equals(known.mode(), o.instance().mode())
          || o.at().isAfter(known.lastSeen().plus(INSTANCE_RESTAMP))) {
        Instant lastSeen = known != null && known.lastSeen().isAfter(o.at()) ? known.lastSeen() : o.at();
        instances = withInstance(instances, o.instance().id(),
            new GraphState.InstanceState(o.instance().nameLabels(), lastSeen, o.instance().mode()));
        workload = selecting(workload, instances);
      }
    } else if (instances.isEmpty() && o.workload() != workload && !o.workload().selector().isEmpty()
        && !o.workload().selector().equals(workload.selector())) {
      // A workload named only by peers so far: an announced identity's selector is the best known.
      workload = o.workload();
    }
    String role = state.role();
    if (!EdgeExtractor.UNKNOWN_ROLE.equals(o.role()) && !o.role().equals(role)) {
      role = o.role();
    }
    Instant windowStart = o.at().isBefore(state.windowStart()) ? o.at() : state.windowStart();
    Instant windowEnd = o.at().isAfter(state.windowEnd()) ? o.at() : state.windowEnd();
    Map<String, GraphState.EdgeState> edges = state.edges();
    Map<String, GraphState.RejectedState> rejected = state.rejected();
    boolean newHost = false;
    switch (o.kind()) {
      case EDGE -> {
        SortedArrayMap<GraphState.EdgeState> known = SortedArrayMap.copyOf(edges);
        int i = known.indexOf(o.host());
        if (i >= 0) {
          // By index: looking the host up once, not again to replace it.
          edges = known.withValueAt(i, merge(known.valueAt(i), o));
        } else {
          boolean secondhand = SECONDHAND.contains(o.provenance());
          String refusal = secondhand ? secondhandRefusal(known, o.host(), o.provenance()) : null;
          if (refusal == null && known.size() >= limits.maxEdges()) {
            String evicted = secondhand ? null : oldestSecondhandOnly(known);
            if (evicted == null) {
              refusal = "edge-limit";
            } else {
              // The workload's own proxy saw this call: it outranks a host only others vouch for.
              Map<String, GraphState.EdgeState> room = new HashMap<>(known);
              room.remove(evicted);
              known = SortedArrayMap.copyOf(room);
              rejected = reject(rejected, evicted, "evicted-secondhand", o.at());
            }
          }
          if (refusal != null) {
            rejected = reject(rejected, o.host(), refusal, o.at());
          } else {
            newHost = true;
            edges = known.with(o.host(), newEdge(o));
          }
        }
      }
      case REJECTED -> rejected = reject(rejected, o.value(), o.reason(), o.at());
      case PRESENCE -> { }
    }
    GraphState after = new GraphState(workload, role, state.revision(), windowStart, windowEnd, edges, rejected, true,
        state.publishedAt(), instances);
    // What needsPublishing(before, after) would say, without comparing host sets: a step only adds.
    boolean publish = before == null || newHost || workload != state.workload() || !role.equals(state.role())
        || (instances != state.instances() && (activeInstances(after) != activeInstances(state)
            || !mode(after).equals(mode(state))));
    return new Step(after, publish);
  }

  /**
   * Whether consumers must see {@code after}: it is new, or differs from {@code before} in what a
   * Sidecar depends on (hosts, selector, role). Comparing states rather than adding up flags keeps
   * an edge that arrives late and ages out in the same step from publishing anything.
   */
  public static boolean needsPublishing(GraphState before, GraphState after) {
    // The number of running instances is news too: it is the number of proxies a Sidecar shrinks,
    // which the generator's payoff multiplies by (docs/payoff.md); a pod starts or goes away rarely.
    return before == null || !before.edges().keySet().equals(after.edges().keySet())
        || !before.workload().equals(after.workload()) || !before.role().equals(after.role())
        || activeInstances(before) != activeInstances(after) || !mode(before).equals(mode(after));
  }

  /**
   * The mode the workload's pods ask for: of the instances counted as running, else of all kept
   * (docs/adaptive.md, "Switching it on").
   */
  public static ModeRequest.Decision mode(GraphState s) {
    Instant since = s.windowEnd().minus(ACTIVE_INSTANCE);
    List<ModeRequest> running = new ArrayList<>();
    for (GraphState.InstanceState i : s.instances().values()) {
      if (!i.lastSeen().isBefore(since)) {
        running.add(i.mode());
      }
    }
    if (running.isEmpty()) {
      s.instances().values().forEach(i -> running.add(i.mode()));
    }
    return ModeRequest.decide(running);
  }

  /** Instances that reported within {@link #ACTIVE_INSTANCE} of the graph's last entry. */
  public static int activeInstances(GraphState s) {
    Instant since = s.windowEnd().minus(ACTIVE_INSTANCE);
    int n = 0;
    for (GraphState.InstanceState i : s.instances().values()) {
      if (!i.lastSeen().isBefore(since)) {
        n++;
      }
    }
    return n;
  }

  /** Removes edges and refused values unseen for {@code ttl} before {@code now} (event time). */
  public Step expire(GraphState state, Instant now, Duration ttl) {
    Instant cutoff = now.minus(ttl);
    if (!seenBefore(state, cutoff)) {
      return new Step(state, false); // the common case, checked without copying a map
    }
    Map<String, GraphState.EdgeState> edges = new HashMap<>(state.edges());
    boolean removed = edges.values().removeIf(e -> e.lastSeen().isBefore(cutoff));
    Map<String, GraphState.RejectedState> rejected = new HashMap<>(state.rejected());
    boolean forgot = rejected.values().removeIf(r -> r.lastSeen().isBefore(cutoff));
    Map<String, GraphState.InstanceState> instances = new HashMap<>(state.instances());
    boolean gone = instances.values().removeIf(i -> i.lastSeen().isBefore(cutoff));
    if (!removed && !forgot && !gone) {
      return new Step(state, false);
    }
    Instant windowStart = state.windowStart().isBefore(cutoff) ? cutoff : state.windowStart();
    GraphState after = new GraphState(gone ? selecting(state.workload(), instances) : state.workload(), state.role(),
        state.revision(), windowStart, state.windowEnd(), edges, rejected, true, state.publishedAt(), instances);
    return new Step(after, needsPublishing(state, after));
  }

  /** The state with its revision advanced, published at {@code now}: its evidence is not news any more. */
  static GraphState nextRevision(GraphState s, Instant now) {
    Map<String, GraphState.EdgeState> edges = s.edges();
    for (Map.Entry<String, GraphState.EdgeState> e : s.edges().entrySet()) {
      if (e.getValue().published() != e.getValue()) {
        // Rare: only edges whose calls turned from the fallback to direct or back since the last graph.
        Map<String, GraphState.EdgeState> marked = new HashMap<>(s.edges());
        marked.replaceAll((host, edge) -> edge.published());
        edges = marked;
        break;
      }
    }
    return new GraphState(s.workload(), s.role(), s.revision() + 1, s.windowStart(), s.windowEnd(), edges,
        s.rejected(), false, now, s.instances());
  }

  /** Whether moved evidence is due for republication: at most once per {@code interval} of stream time. */
  static boolean refreshDue(GraphState s, Instant now, Duration interval) {
    return s.evidenceChanged() && (s.publishedAt() == null || !now.isBefore(s.publishedAt().plus(interval)));
  }

  /** The published form: edges sorted by host, refused values by value (the state's maps keep that order). */
  public static DependencyGraph toGraph(GraphState s, Instant updatedAt) {
    List<Edge> edges = new ArrayList<>();
    s.edges().forEach((host, e) -> edges.add(new Edge(host, e.firstSeen(), e.lastSeen(), e.count(),
        e.ports(), e.protocols(), e.provenance(), e.urgent(), e.fallbackLastSeen())));
    List<RejectedHost> rejected = new ArrayList<>();
    s.rejected().forEach((value, r) -> rejected.add(new RejectedHost(value, r.reason(), r.count(),
        r.lastSeen())));
    ModeRequest.Decision mode = mode(s);
    return new DependencyGraph(DependencyGraph.CURRENT_VERSION, s.workload(), s.role(), s.revision(), updatedAt,
        s.windowStart(), s.windowEnd(), edges, rejected, activeInstances(s),
        Selectors.of(s.instances().values()).conflict(), mode.mode(), mode.source());
  }

  /** {@code workload} with the selector that selects every instance; as it was when there are none. */
  private static WorkloadRef selecting(WorkloadRef workload, Map<String, GraphState.InstanceState> instances) {
    Map<String, String> selector = Selectors.of(instances.values()).selector();
    return selector == null || selector.equals(workload.selector()) ? workload
        : WorkloadRef.of(workload.namespace(), workload.name(), selector);
  }

  /** {@code instances} with {@code id}'s state; past the limit the one unseen longest goes. */
  private static Map<String, GraphState.InstanceState> withInstance(Map<String, GraphState.InstanceState> instances,
      String id, GraphState.InstanceState state) {
    Map<String, GraphState.InstanceState> out = new HashMap<>(instances);
    out.put(id, state);
    dropOldestPast(out, MAX_INSTANCES, GraphState.InstanceState::lastSeen);
    return out;
  }

  private static boolean seenBefore(GraphState state, Instant cutoff) {
    for (GraphState.EdgeState e : state.edges().values()) {
      if (e.lastSeen().isBefore(cutoff)) {
        return true;
      }
    }
    for (GraphState.RejectedState r : state.rejected().values()) {
      if (r.lastSeen().isBefore(cutoff)) {
        return true;
      }
    }
    for (GraphState.InstanceState i : state.instances().values()) {
      if (i.lastSeen().isBefore(cutoff)) {
        return true;
      }
    }
    return false;
  }

  private GraphState.EdgeState newEdge(Observation o) {
    return new GraphState.EdgeState(o.at(), o.at(), 1, shared(o.port() == null ? Set.of() : Set.of(o.port())),
        shared(o.protocol() == null ? Set.of() : Set.of(o.protocol())), shared(Set.of(o.provenance())), o.urgent(),
        THROUGH_FALLBACK.contains(o.provenance()) ? o.at() : null, false);
  }

  /** An immutable copy of {@code set}, the same instance for every equal set while the pool has room. */
  @SuppressWarnings("unchecked")
  <T> Set<T> shared(Set<T> set) {
    Set<T> copy = Set.copyOf(set);
    Set<?> known = sharedSets.get(copy);
    if (known != null) {
      return (Set<T>) known;
    }
    if (sharedSets.size() < MAX_SHARED_SETS) {
      known = sharedSets.putIfAbsent(copy, copy);
    }
    return known != null ? (Set<T>) known : copy;
  }

  private GraphState.EdgeState merge(GraphState.EdgeState e, Observation o) {
    Set<Integer> ports = e.ports();
    if (o.port() != null && !ports.contains(o.port()) && ports.size() < limits.maxPortsPerEdge()) {
      ports = shared(with(ports, o.port()));
    }
    Set<String> protocols = e.protocols();
    if (o.protocol() != null && !protocols.contains(o.protocol())) {
      protocols = shared(with(protocols, o.protocol()));
    }
    Set<String> provenance = e.provenance();
    if (!provenance.contains(o.provenance())) {
      provenance = shared(with(provenance, o.provenance()));
    }
    Instant fallback = e.fallbackLastSeen();
    if (THROUGH_FALLBACK.contains(o.provenance()) && (fallback == null || o.at().isAfter(fallback))) {
      fallback = o.at();
    }
    return new GraphState.EdgeState(
        o.at().isBefore(e.firstSeen()) ? o.at() : e.firstSeen(),
        o.at().isAfter(e.lastSeen()) ? o.at() : e.lastSeen(),
        e.count() + 1, ports, protocols, provenance, e.urgent() || o.urgent(), fallback, e.publishedThroughFallback());
  }

  private static <T> Set<T> with(Set<T> set, T element) {
    Set<T> out = new HashSet<>(set);
    out.add(element);
    return out;
  }

  private Map<String, GraphState.RejectedState> reject(Map<String, GraphState.RejectedState> rejected, String value,
      String reason, Instant at) {
    Map<String, GraphState.RejectedState> out = new HashMap<>(rejected);
    GraphState.RejectedState prev = out.get(value);
    out.put(value, new GraphState.RejectedState(reason, prev == null ? 1 : prev.count() + 1,
        prev == null || at.isAfter(prev.lastSeen()) ? at : prev.lastSeen()));
    // Keep the newest: an attacker's flood pushes out old junk, not the other way round.
    dropOldestPast(out, limits.maxRejected(), GraphState.RejectedState::lastSeen);
    return out;
  }

  /**
   * Why a host only another proxy vouches for cannot join the graph, or null when it can: the
   * secondhand share is full, or the callees of one namespace have added their share already.
   */
  private String secondhandRefusal(Map<String, GraphState.EdgeState> edges, String host, String provenance) {
    String namespace = provenance.startsWith("inbound-") ? serviceNamespace(host) : null;
    int secondhand = 0;
    int fromNamespace = 0;
    for (Map.Entry<String, GraphState.EdgeState> e : edges.entrySet()) {
      if (secondhandOnly(e.getValue())) {
        secondhand++;
        if (namespace != null && namespace.equals(serviceNamespace(e.getKey()))) {
          fromNamespace++;
        }
      }
    }
    if (secondhand >= limits.maxSecondhand()) {
      return "secondhand-limit";
    }
    return fromNamespace >= limits.maxInboundPerNamespace() ? "inbound-namespace-limit" : null;
  }

  private static boolean secondhandOnly(GraphState.EdgeState e) {
    return !e.provenance().isEmpty() && SECONDHAND.containsAll(e.provenance());
  }

  /** The namespace of {@code <service>.<namespace>.svc...}, or null for another shape. */
  private static String serviceNamespace(String host) {
    int first = host.indexOf('.');
    int second = first < 0 ? -1 : host.indexOf('.', first + 1);
    return second < 0 || !host.startsWith(".svc.", second) ? null : host.substring(first + 1, second);
  }

  /** The secondhand-only edge seen longest ago (ties by host), or null when there is none. */
  private static String oldestSecondhandOnly(Map<String, GraphState.EdgeState> edges) {
    return edges.entrySet().stream().filter(e -> secondhandOnly(e.getValue()))
        .min(Comparator.comparing((Map.Entry<String, GraphState.EdgeState> e) -> e.getValue().lastSeen())
            .thenComparing(Map.Entry::getKey))
        .map(Map.Entry::getKey).orElse(null);
  }

  /** Past {@code max} entries, removes the one seen longest ago (ties by key, so the choice is stable). */
  private static <V> void dropOldestPast(Map<String, V> map, int max, Function<V, Instant> lastSeen) {
    if (map.size() > max) {
      map.entrySet().stream().min(Comparator.comparing((Map.Entry<String, V> x) -> lastSeen.apply(x.getValue()))
          .thenComparing(Map.Entry::getKey)).ifPresent(x -> map.remove(x.getKey()));
    }
  }
}
