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
 * and at once for a workload that an observation older than the TTL touches. At that interval a
 * graph whose evidence (counts, last seen, provenance) moved is published again, so that what
 * reviewers read in a change summary is at most one interval old, without a record per increment.
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
    GraphState before = states.read(key);
    GraphMerge.Step merged = merge.apply(before, o);
    long now = Math.max(streamTimeMs, 0);
    if (o.at().toEpochMilli() >= now - ttl.toMillis()) {
      // On time: the other edges age at the punctuation, at most one aging interval late; looking
      // at every edge for every record was 5% of the stream threads.
      save(key, merged.state(), merged.publish(), now);
      return;
    }
    // Older than the TTL already (a late or replayed record): age at once, so that it cannot
    // publish an edge that the next punctuation would take back.
    GraphMerge.Step aged = merge.expire(merged.state(), Instant.ofEpochMilli(now), ttl);
    // A merge only adds, so its own answer is exact and cheap. When aging removed something too,
    // compare the states: an edge that arrived late and aged out in the same step publishes nothing.
    boolean changed = aged.state() == merged.state() ? merged.publish()
        : GraphMerge.needsPublishing(before, aged.state());
    save(key, aged.state(), changed, now);
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
