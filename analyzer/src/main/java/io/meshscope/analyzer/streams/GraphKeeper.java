package io.meshscope.analyzer.streams;

import io.meshscope.analyzer.domain.GraphMerge;
import io.meshscope.analyzer.domain.GraphState;
import io.meshscope.analyzer.domain.Observation;
import io.meshscope.schemas.DependencyGraph;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * Keeps each workload's graph in the task's graph store and publishes it when its edges change.
 * Aging runs on stream time (event time) for all workloads every aging interval ({@link #ageAll}),
 * and at once for a workload that an observation older than the TTL touches or whose graph is at
 * its host limit. At that interval a graph whose evidence (counts, last seen, provenance) moved is
 * published again, so that what reviewers read in a change summary is at most one interval old,
 * without a record per increment.
 */
final class GraphKeeper {

  private final GraphMerge merge;
  private final Duration ttl;
  private final Duration agingInterval;
  private final WriteBackStore<GraphState> states;
  private final Consumer<Record<String, DependencyGraph>> publish;

  GraphKeeper(GraphMerge merge, Duration ttl, Duration agingInterval, WriteBackStore<GraphState> states,
      Consumer<Record<String, DependencyGraph>> publish) {
    this.merge = merge;
    this.ttl = ttl;
    this.agingInterval = agingInterval;
    this.states = states;
    this.publish = publish;
  }

  /** Merges an observation about the workload {@code key}, at stream time {@code streamTimeMs}. */
  void add(String key, Observation o, long streamTimeMs) {
    GraphState stored = states.read(key);
    long now = Math.max(streamTimeMs, 0);
    boolean late = o.at().toEpochMilli() < now - ttl.toMillis();
    if (!late && !merge.full(stored)) {
      // On time: the other edges age at the punctuation, at most one aging interval late; looking
      // at every edge for every record was 5% of the stream threads.
      GraphMerge.Step merged = merge.apply(stored, o);
      save(key, merged.state(), merged.publish(), now);
      return;
    }
    // A graph at its host limit ages first, so that hosts past the TTL do not take the room of a
    // new one. An observation already older than the TTL (a late or replayed record) ages its
    // graph at once: it cannot publish an edge that is past the TTL when it arrives.
    Instant at = Instant.ofEpochMilli(now);
    GraphState before = merge.full(stored) ? merge.expire(stored, at, ttl).state() : stored;
    GraphState after = merge.expire(merge.apply(before, o).state(), at, ttl).state();
    save(key, after, GraphMerge.needsPublishing(stored, after), now);
  }

  /** Ages every graph of the task at stream time {@code timestamp}; the punctuation calls it. */
  void ageAll(long timestamp) {
    Instant now = Instant.ofEpochMilli(timestamp);
    List<KeyValue<String, GraphState>> changed = new ArrayList<>();
    // Collect first: writing to a store while iterating it is not safe in RocksDB's iterator.
    states.writeBack();
    try (KeyValueIterator<String, GraphState> all = states.committed()) {
      while (all.hasNext()) {
        KeyValue<String, GraphState> kv = all.next();
        GraphMerge.Step aged = merge.expire(kv.value, now, ttl);
        if (aged.state() != kv.value || GraphMerge.refreshDue(kv.value, now, agingInterval)) {
          changed.add(KeyValue.pair(kv.key, aged.state()));
        }
      }
    }
    for (KeyValue<String, GraphState> kv : changed) {
      save(kv.key, kv.value, GraphMerge.refreshDue(kv.value, now, agingInterval)
          || GraphMerge.needsPublishing(states.read(kv.key), kv.value), timestamp);
    }
  }

  private void save(String key, GraphState after, boolean changed, long nowMs) {
    if (changed) {
      Instant now = Instant.ofEpochMilli(nowMs);
      after = GraphMerge.nextRevision(after, now);
      publish.accept(new Record<>(key, GraphMerge.toGraph(after, now), nowMs));
    }
    states.write(key, after);
  }
}
