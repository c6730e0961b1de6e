package io.meshscope.generator.domain;

import io.meshscope.schemas.ChangeSummary;
import io.meshscope.schemas.DependencyGraph;
import io.meshscope.schemas.Edge;
import io.meshscope.schemas.SidecarRecommendation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Decides when each workload's Sidecar is published. Pure and deterministic: time comes in as
 * {@code now} arguments, so a test drives it with any clock it likes; not thread-safe (one stream
 * thread owns it).
 *
 * <p>The quiet period and the debounce run on the generator's wall clock, by design, unlike the
 * analyzer's aging (event time): they measure how long a reviewer's view of a Sidecar has held
 * still as graphs arrive, not how old the traffic behind it is. A replay of a month of logs still
 * waits a quiet period before its first Sidecar.
 *
 * <p>Per workload, "changed" means the rendered Sidecar would change (its content, not its
 * provenance annotations): a new graph revision that changes nothing a reviewer sees starts no timer.
 * <ul>
 *   <li>first: the first Sidecar once the content has not changed for the quiet period;
 *   <li>change: added hosts once the content has not changed for the debounce;
 *   <li>urgent: an added host whose edge is urgent (a blocked call) is published at once;
 *   <li>removal: a host that left the graph stays in the published Sidecar until the content has not
 *       changed for the quiet period. Additions published before then keep it (the renderer is given
 *       the previous evidence to retain).
 * </ul>
 * Nothing is published when the Sidecar would be the same as the one published last. A skipped
 * workload (no Sidecar possible) is reported at once, and again only when the reason changes.
 *
 * <p>Every decision returned counts as published: the caller publishes it.
 */
public final class EmitPolicy {

  private final SidecarRenderer renderer;
  private final EmitTimings timings;
  private final SortedSet<String> knownServices;
  private final SortedMap<String, WorkloadState> states = new TreeMap<>();

  /** One workload's machine: what the latest graph renders to, and what was published. */
  private static final class WorkloadState {
    DependencyGraph graph;
    RenderResult candidate;
    /** When {@link #candidate}'s content last changed. */
    Instant changedAt;
    /** The last Sidecar published, for the diff; kept across a skip. */
    RenderedSidecar emitted;
    /**
     * The event time {@link #emitted} was rendered up to (its graph's last entry, the Sidecar's
     * observed-until): a call later than that which still went through the fallback came after the
     * Sidecar. Event time, as the calls it is compared with are; the generator's own clock is not.
     */
    Instant emittedAt;
    /** Content key of what was reported last (Sidecar or skip). */
    String reportedKey;
  }

  /** The what-if figure counts every valid host in the latest graphs of all workloads. */
  public EmitPolicy(SidecarRenderer renderer, EmitTimings timings) {
    this(renderer, timings, null);
  }

  /**
   * @param knownServices the mesh's service hosts for the what-if figure (e.g. from the cluster's
   *     registry); null to count every host seen in the graphs instead
   */
  public EmitPolicy(SidecarRenderer renderer, EmitTimings timings, Collection<String> knownServices) {
    this.renderer = Objects.requireNonNull(renderer, "renderer");
    this.timings = Objects.requireNonNull(timings, "timings");
    this.knownServices = knownServices == null ? null : Collections.unmodifiableSortedSet(new TreeSet<>(knownServices));
  }

  /**
   * Takes a workload's latest graph. Returns what is due for that workload right now: an urgent
   * addition, a skip, or a change whose timer has already run out.
   */
  public Optional<EmitDecision> onGraph(DependencyGraph graph, Instant now) {
    Objects.requireNonNull(graph, "graph");
    Objects.requireNonNull(now, "now");
    WorkloadState state = states.computeIfAbsent(graph.workload().key(), k -> new WorkloadState());
    RenderResult candidate = renderer.render(graph);
    if (state.candidate == null || !state.candidate.contentKey().equals(candidate.contentKey())) {
      state.changedAt = now;
    }
    state.graph = graph;
    state.candidate = candidate;
    return decide(state, now);
  }

  /** Everything due at {@code now}, in workload key order. */
  public List<EmitDecision> due(Instant now) {
    Objects.requireNonNull(now, "now");
    List<EmitDecision> decisions = new ArrayList<>();
    for (WorkloadState state : states.values()) {
      decide(state, now).ifPresent(decisions::add);
    }
    return decisions;
  }

  /** When {@link #due} will next have something, for a timer; empty when nothing is pending. */
  public Optional<Instant> nextDeadline() {
    Instant next = null;
    for (WorkloadState state : states.values()) {
      Instant at = deadline(state);
      if (at != null && (next == null || at.isBefore(next))) {
        next = at;
      }
    }
    return Optional.ofNullable(next);
  }

  /** Drops a workload whose graph was deleted (a tombstone). */
  public void forget(String workloadKey) {
    states.remove(workloadKey);
  }

  /**
   * Seeds what was published before a restart (the latest value of {@code meshscope.sidecars}), so
   * that an unchanged Sidecar is not published again and a changed one is diffed against it.
   */
  public void restore(SidecarRecommendation previous) {
    WorkloadState state = states.computeIfAbsent(previous.workload().key(), k -> new WorkloadState());
    if (EmitDecision.EMITTED.equals(previous.status()) && previous.yaml() != null) {
      GeneratorMode mode = GeneratorMode.fromLabel("mode", previous.mode());
      state.emitted = SidecarYaml.restore(previous.workload(), previous.graphRevision(), mode, previous.yaml());
      state.emittedAt = SidecarYaml.observedUntil(previous.yaml()).orElse(null);
      state.reportedKey = state.emitted.contentKey();
    } else if (EmitDecision.SKIPPED.equals(previous.status())) {
      state.reportedKey = new SkippedWorkload(previous.workload(), previous.graphRevision(), GeneratorMode.RECOMMEND,
          previous.modeSource(), String.valueOf(previous.reason())).contentKey();
    }
  }

  /**
   * Every adaptive Sidecar published, with the hosts it lists that calls still reach through the
   * fallback, and those that went direct since: in workload key order.
   */
  public List<FallbackStatus> fallbackStatuses() {
    List<FallbackStatus> out = new ArrayList<>();
    for (WorkloadState state : states.values()) {
      if (!(state.candidate instanceof SkippedWorkload)) {
        FallbackStatus.of(state.emitted, state.emittedAt, state.graph, renderer.mapper()).ifPresent(out::add);
      }
    }
    return out;
  }

  /** The universe of the what-if figure as it stands. */
  public MeshServices services() {
    if (knownServices != null) {
      return MeshServices.of(knownServices, renderer.mapper());
    }
    SortedSet<String> seen = new TreeSet<>();
    for (WorkloadState state : states.values()) {
      if (state.graph != null) {
        for (Edge edge : state.graph.edges()) {
          seen.add(edge.host());
        }
      }
    }
    return MeshServices.of(seen, renderer.mapper());
  }

  private Optional<EmitDecision> decide(WorkloadState state, Instant now) {
    if (state.candidate == null || state.candidate.contentKey().equals(state.reportedKey)) {
      return Optional.empty();
    }
    if (state.candidate instanceof SkippedWorkload skipped) {
      EmitTrigger trigger = state.reportedKey == null ? EmitTrigger.FIRST : EmitTrigger.CHANGE;
      state.reportedKey = skipped.contentKey();
      return Optional.of(new EmitDecision(skipped.workload(), trigger, skipped, null, now));
    }
    RenderedSidecar target = (RenderedSidecar) state.candidate;
    boolean quiet = !now.isBefore(state.changedAt.plus(timings.quietPeriod()));
    if (state.emitted == null) {
      return quiet ? Optional.of(emit(state, target, EmitTrigger.FIRST, now)) : Optional.empty();
    }
    Plan plan = plan(state);
    if (quiet) {
      EmitTrigger trigger = plan.urgent ? EmitTrigger.URGENT
          : plan.added.isEmpty() && !plan.removed.isEmpty() ? EmitTrigger.REMOVAL
          : EmitTrigger.CHANGE;
      return Optional.of(emit(state, target, trigger, now));
    }
    if (plan.interim.contentKey().equals(state.reportedKey)) {
      return Optional.empty();
    }
    if (plan.urgent) {
      return Optional.of(emit(state, plan.interim, EmitTrigger.URGENT, now));
    }
    if (!now.isBefore(state.changedAt.plus(timings.debounce()))) {
      return Optional.of(emit(state, plan.interim, EmitTrigger.CHANGE, now));
    }
    return Optional.empty();
  }

  private Instant deadline(WorkloadState state) {
    if (state.candidate == null || state.candidate.contentKey().equals(state.reportedKey)) {
      return null;
    }
    if (state.candidate instanceof SkippedWorkload || state.emitted == null) {
      return state.candidate instanceof SkippedWorkload ? state.changedAt
          : state.changedAt.plus(timings.quietPeriod());
    }
    Plan plan = plan(state);
    if (plan.interim.contentKey().equals(state.reportedKey)) {
      return state.changedAt.plus(timings.quietPeriod());
    }
    return plan.urgent ? state.changedAt : state.changedAt.plus(timings.debounce());
  }

  /**
   * How the candidate differs from what was published. {@code ~/*} (import nothing) is no host of
   * its own: it comes and goes with the others, so it counts as neither added nor removed.
   *
   * @param interim the candidate with the removed hosts kept: what may be published before quiet
   */
  private record Plan(SortedSet<String> added, SortedSet<String> removed, boolean urgent, RenderedSidecar interim) {}

  private Plan plan(WorkloadState state) {
    RenderedSidecar target = (RenderedSidecar) state.candidate;
    RenderedSidecar previous = state.emitted;
    SortedSet<String> added = new TreeSet<>(target.hosts());
    added.removeAll(previous.hosts());
    added.remove(EgressHost.NONE.toString());
    SortedSet<String> removed = new TreeSet<>(previous.hosts());
    removed.removeAll(target.hosts());
    removed.remove(EgressHost.NONE.toString());
    boolean urgent = added.stream().anyMatch(h -> target.sources().get(h).urgent());
    RenderedSidecar interim = target;
    if (!removed.isEmpty()) {
      Map<String, HostSource> retained = new TreeMap<>();
      for (String host : removed) {
        HostSource source = previous.sources().get(host);
        if (source != null) {
          retained.put(host, source);
        }
      }
      interim = (RenderedSidecar) renderer.render(state.graph, retained);
    }
    return new Plan(added, removed, urgent, interim);
  }

  private EmitDecision emit(WorkloadState state, RenderedSidecar sidecar, EmitTrigger trigger, Instant now) {
    ChangeSummary summary = ChangeSummaries.between(state.emitted, sidecar, trigger, services());
    Optional<FallbackStatus> before = FallbackStatus.of(state.emitted, state.emittedAt, state.graph, renderer.mapper());
    if (before.isPresent() && !before.get().stillThroughFallback().isEmpty()) {
      summary = new ChangeSummary(summary.trigger(), summary.added(), summary.removed(), summary.unchanged(),
          summary.whatIf(), summary.outsideRegistry(), summary.instances(),
          List.copyOf(before.get().stillThroughFallback().keySet()));
    }
    EmitDecision decision = new EmitDecision(sidecar.workload(), trigger, sidecar, summary, now);
    state.emitted = sidecar;
    state.emittedAt = state.graph == null ? null : state.graph.windowEnd();
    state.reportedKey = sidecar.contentKey();
    return decision;
  }
}
