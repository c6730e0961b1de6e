package io.meshscope.analyzer.streams;

import io.meshscope.analyzer.domain.GraphRules;
import io.meshscope.analyzer.domain.GraphState;
import io.meshscope.analyzer.domain.Observation;
import io.meshscope.schemas.DependencyGraph;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * Keeps each workload's graph in the task's graph store: reads it, applies {@link GraphRules}, writes
 * the new state and publishes what the rules say to publish.
 */
final class GraphKeeper {

  private final GraphRules rules;
  private final WriteBackStore<GraphState> states;
  private final Consumer<Record<String, DependencyGraph>> publish;

  GraphKeeper(GraphRules rules, WriteBackStore<GraphState> states, Consumer<Record<String, DependencyGraph>> publish) {
    this.rules = rules;
    this.states = states;
    this.publish = publish;
  }

  /** Merges an observation about the workload {@code key}, at stream time {@code streamTimeMs}. */
  void add(String key, Observation o, long streamTimeMs) {
    save(key, rules.observe(states.read(key), o, streamTimeMs));
  }

  /** Ages every graph of the task at stream time {@code timestamp}; the punctuation calls it. */
  void ageAll(long timestamp) {
    List<KeyValue<String, GraphRules.Transition>> changed = new ArrayList<>();
    // Collect first: writing to a store while iterating it is not safe in RocksDB's iterator.
    states.writeBack();
    try (KeyValueIterator<String, GraphState> all = states.committed()) {
      while (all.hasNext()) {
        KeyValue<String, GraphState> kv = all.next();
        GraphRules.Transition t = rules.age(kv.value, timestamp);
        if (t != null) {
          changed.add(KeyValue.pair(kv.key, t));
        }
      }
    }
    changed.forEach(kv -> save(kv.key, kv.value));
  }

  private void save(String key, GraphRules.Transition t) {
    if (t.published() != null) {
      publish.accept(new Record<>(key, t.published(), t.published().updatedAt().toEpochMilli()));
    }
    states.write(key, t.state());
  }
}
