package io.meshscope.analyzer.streams;

import io.meshscope.analyzer.domain.GraphMerge;
import io.meshscope.analyzer.domain.GraphState;
import io.meshscope.analyzer.domain.Observation;
import io.meshscope.schemas.DependencyGraph;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * Keeps each workload's graph and publishes it when its edges change. Aging runs on stream time
 * (event time) for all workloads every {@code agingInterval}, and at once for a workload that a
 * record older than the TTL touches. At that interval a graph
 * whose evidence (counts, last seen, provenance) moved is published again, so that what reviewers
 * read in a change summary is at most one interval old, without a record per increment.
 */
final class GraphProcessor implements Processor<String, Observation, String, DependencyGraph> {

  private final GraphMerge merge;
  private final Duration ttl;
  private final Duration agingInterval;
  private ProcessorContext<String, DependencyGraph> context;
  private WriteBackStore<GraphState> states;

  GraphProcessor(GraphMerge merge, Duration ttl, Duration agingInterval) {
    this.merge = merge;
    this.ttl = ttl;
    this.agingInterval = agingInterval;
  }

  @Override
  public void init(ProcessorContext<String, DependencyGraph> context) {
    this.context = context;
    this.states = context.getStateStore(AnalyzerSettings.GRAPH_STORE);
    context.schedule(agingInterval, PunctuationType.STREAM_TIME, this::ageAll);
  }

  @Override
  public void process(Record<String, Observation> record) {
    GraphState before = states.read(record.key());
    GraphMerge.Step merged = merge.apply(before, record.value());
    Instant now = streamTime();
    if (!record.value().at().isBefore(now.minus(ttl))) {
      // On time: the other edges age at the punctuation, at most one aging interval late; looking
      // at every edge for every record was 5% of the stream threads.
      save(record.key(), merged.state(), merged.publish());
      return;
    }
    // Older than the TTL already (a late or replayed record): age at once, so that it cannot
    // publish an edge that the next punctuation would take back.
    GraphMerge.Step aged = merge.expire(merged.state(), now, ttl);
    // A merge only adds, so its own answer is exact and cheap. When aging removed something too,
    // compare the states: an edge that arrived late and aged out in the same step publishes nothing.
    boolean publish = aged.state() == merged.state() ? merged.publish()
        : GraphMerge.needsPublishing(before, aged.state());
    save(record.key(), aged.state(), publish);
  }

  private void ageAll(long timestamp) {
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
          || GraphMerge.needsPublishing(states.read(kv.key), kv.value));
    }
  }

  private void save(String key, GraphState after, boolean publish) {
    if (publish) {
      Instant now = streamTime();
      after = GraphMerge.nextRevision(after, now);
      context.forward(new Record<>(key, GraphMerge.toGraph(after, now), now.toEpochMilli()));
    }
    states.write(key, after);
  }

  private Instant streamTime() {
    long t = context.currentStreamTimeMs();
    return Instant.ofEpochMilli(Math.max(t, 0));
  }
}
