package io.meshscope.analyzer.domain;

import io.meshscope.schemas.DependencyGraph;
import java.time.Duration;
import java.time.Instant;

/**
 * What happens to a workload's graph, as pure functions of the stored state: an observation
 * arrives ({@link #observe}), or stream time passes ({@link #age}). Each returns the state to store
 * and the graph to publish, if any (docs/architecture.md, "Analyzer state and aging"); the stream
 * processor only reads and writes the store.
 *
 * <p>Aging runs on stream time (event time) for all workloads every aging interval, and at once for
 * a workload that an observation older than the TTL touches or whose graph is at its host limit.
 * At that interval a graph whose evidence (counts, last seen, provenance) moved is published again,
 * so that what reviewers read in a change summary is at most one interval old, without a record per
 * increment.
 */
public final class GraphRules {

  /** The state to store, and the graph to publish or null. */
  public record Transition(GraphState state, DependencyGraph published) {}

  private final GraphMerge merge;
  private final Duration ttl;
  private final Duration agingInterval;

  public GraphRules(GraphMerge merge, Duration ttl, Duration agingInterval) {
    this.merge = merge;
    this.ttl = ttl;
    this.agingInterval = agingInterval;
  }

  public Duration agingInterval() {
    return agingInterval;
  }

  /** An observation about the workload whose graph is {@code stored} (null: none yet), at stream time. */
  public Transition observe(GraphState stored, Observation o, long streamTimeMs) {
    long now = Math.max(streamTimeMs, 0);
    boolean late = o.at().toEpochMilli() < now - ttl.toMillis();
    if (!late && !merge.full(stored)) {
      // On time: the other edges age at the next aging, at most one interval late; looking at
      // every edge for every record was 5% of the stream threads.
      GraphMerge.Step merged = merge.apply(stored, o);
      return finish(merged.state(), merged.publish() || fallbackNews(merged.state(), o, now), now);
    }
    // A graph at its host limit ages first, so that hosts past the TTL do not take the room of a
    // new one. An observation already older than the TTL (a late or replayed record) ages its
    // graph at once: it cannot publish an edge that is past the TTL when it arrives.
    Instant at = Instant.ofEpochMilli(now);
    GraphState before = merge.full(stored) ? merge.expire(stored, at, ttl).state() : stored;
    GraphState after = merge.expire(merge.apply(before, o).state(), at, ttl).state();
    return finish(after, GraphMerge.needsPublishing(stored, after), now);
  }

  /**
   * The graph {@code stored} at stream time {@code timestampMs}, one aging interval after the last:
   * aged edges removed, and moved evidence republished when due. Null when nothing is to be written.
   */
  public Transition age(GraphState stored, long timestampMs) {
    Instant now = Instant.ofEpochMilli(timestampMs);
    GraphState aged = merge.expire(stored, now, ttl).state();
    if (aged == stored && !GraphMerge.refreshDue(stored, now, agingInterval)) {
      return null;
    }
    return finish(aged, GraphMerge.refreshDue(aged, now, agingInterval) || GraphMerge.needsPublishing(stored, aged),
        timestampMs);
  }

  /**
   * Whether {@code o}'s edge shows its calls going through the fallback egress proxy where the last
   * published graph showed them going direct, or the other way round: the news that an adaptive
   * Sidecar was applied, or is stuck (docs/adaptive.md), which reviewers should not wait an aging
   * interval for. At most once per {@link #FALLBACK_NEWS_INTERVAL} of stream time, so that an edge
   * whose calls alternate (one port routed, another not) does not publish a graph per record; the
   * next call after the interval publishes what was held back.
   */
  private static boolean fallbackNews(GraphState after, Observation o, long nowMs) {
    if (o.kind() != Observation.Kind.EDGE || (after.publishedAt() != null
        && nowMs < after.publishedAt().toEpochMilli() + FALLBACK_NEWS_INTERVAL.toMillis())) {
      return false;
    }
    GraphState.EdgeState e = after.edges().get(o.host());
    return e != null && e.throughFallbackLast() != e.publishedThroughFallback();
  }

  static final Duration FALLBACK_NEWS_INTERVAL = Duration.ofSeconds(5);

  private static Transition finish(GraphState after, boolean publish, long nowMs) {
    if (!publish) {
      return new Transition(after, null);
    }
    Instant now = Instant.ofEpochMilli(nowMs);
    GraphState published = GraphMerge.nextRevision(after, now);
    return new Transition(published, GraphMerge.toGraph(published, now));
  }
}
