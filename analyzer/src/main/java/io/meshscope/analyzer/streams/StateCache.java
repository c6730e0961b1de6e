package io.meshscope.analyzer.streams;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Objects in front of a task's key-value store, so that a busy key is not deserialized from bytes
 * for every record. Writes go through to the store (and so to its changelog, inside the task's
 * transaction); the cache only saves reads. It is valid because the owning processor is the only
 * writer of its task's store, and it is emptied whenever the processor is initialized again (after
 * a rebalance or a task that was closed dirty), when the store may have been restored.
 */
final class StateCache<V> {

  private final KeyValueStore<String, V> store;
  private final Map<String, V> recent;

  StateCache(KeyValueStore<String, V> store, int capacity) {
    this.store = store;
    this.recent = new LinkedHashMap<>(capacity * 4 / 3 + 1, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
        return size() > capacity;
      }
    };
  }

  V get(String key) {
    V v = recent.get(key);
    if (v == null) {
      v = store.get(key);
      if (v != null) {
        recent.put(key, v);
      }
    }
    return v;
  }

  void put(String key, V value) {
    store.put(key, value);
    recent.put(key, value);
  }

  KeyValueStore<String, V> store() {
    return store;
  }
}
