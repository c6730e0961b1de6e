package io.meshscope.analyzer.streams;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * Objects in front of a logged key-value store, written back at each commit. A busy workload's
 * graph changes with every record; Kafka's record cache would keep only the last version per
 * commit too, but it holds bytes, so every change was serialized, and that was a sixth of the
 * analyzer's CPU. Here a change is an object in a map; each changed key is serialized and written
 * (to RocksDB and the changelog) once, when Kafka Streams flushes its caches. A task with more keys
 * than the store's capacity keeps the changed ones and forgets the others; only when half of its
 * capacity changed within one commit does it write back early.
 *
 * <p>Exactly once depends on that flush: Kafka Streams calls {@link #flushCache()} on a task's
 * cached stores while preparing every commit, before it flushes the producer and commits the
 * transaction, so the changelog holds every state change whose input offsets are committed.
 * {@code CachedStateStore} is an internal interface of Kafka Streams (checked against 4.4's
 * {@code StreamTask.prepareCommit}); a Kafka upgrade that stops calling it fails the integration
 * test, whose queries see only what was written back.
 *
 * <p>Only the owning task's thread reads and writes it. Interactive queries (IQv2, from HTTP
 * threads) go to the inner store: they see the state as of the last commit, at most a commit
 * interval old, and never the maps the task's thread is changing. It is not a
 * {@link KeyValueStore} on purpose: Kafka Streams would hand processors a decorator in its place.
 */
final class WriteBackStore<V> implements StateStore, CachedStateStore<String, V> {

  private final KeyValueStore<String, V> inner;
  private final int capacity;
  // Every value read or written lately, the changed ones marked: one lookup answers a read, and a
  // write right after a read of the same key (as each merge does) finds its slot without one. A
  // full map drops its unchanged values (see makeRoom) rather than keeping access order:
  // reordering on every read cost more than it saved.
  private final Map<String, Slot<V>> slots = new HashMap<>();
  private final List<Slot<V>> changed = new ArrayList<>();
  private Slot<V> last;

  private static final class Slot<V> {
    final String key;
    V value;
    boolean changed;

    Slot(String key, V value) {
      this.key = key;
      this.value = value;
    }
  }

  WriteBackStore(KeyValueStore<String, V> inner, int capacity) {
    this.inner = inner;
    this.capacity = capacity;
  }

  /** Builds the store around what {@code inner} builds, which must not cache (this is the cache). */
  static <V> StoreBuilder<WriteBackStore<V>> builder(StoreBuilder<KeyValueStore<String, V>> inner, int capacity) {
    return new StoreBuilder<>() {
      @Override
      public StoreBuilder<WriteBackStore<V>> withCachingEnabled() {
        throw new UnsupportedOperationException("a write-back store is its own cache");
      }

      @Override
      public StoreBuilder<WriteBackStore<V>> withCachingDisabled() {
        inner.withCachingDisabled();
        return this;
      }

      @Override
      public StoreBuilder<WriteBackStore<V>> withLoggingEnabled(Map<String, String> config) {
        inner.withLoggingEnabled(config);
        return this;
      }

      @Override
      public StoreBuilder<WriteBackStore<V>> withLoggingDisabled() {
        inner.withLoggingDisabled();
        return this;
      }

      @Override
      public WriteBackStore<V> build() {
        return new WriteBackStore<>(inner.withCachingDisabled().build(), capacity);
      }

      @Override
      public Map<String, String> logConfig() {
        return inner.logConfig();
      }

      @Override
      public boolean loggingEnabled() {
        return inner.loggingEnabled();
      }

      @Override
      public String name() {
        return inner.name();
      }
    };
  }

  /** The latest value, written back or not. Task thread only. */
  V read(String key) {
    Slot<V> slot = slot(key);
    if (slot != null) {
      return slot.value;
    }
    V v = inner.get(key);
    if (v != null) {
      add(new Slot<>(key, v));
    }
    return v;
  }

  /** Keeps {@code value} until the next commit. Task thread only. */
  void write(String key, V value) {
    Slot<V> slot = slot(key);
    if (slot == null) {
      slot = add(new Slot<>(key, value));
    }
    slot.value = value;
    if (!slot.changed) {
      slot.changed = true;
      changed.add(slot);
    }
  }

  private Slot<V> slot(String key) {
    Slot<V> s = last;
    if (s == null || s.key != key) {
      s = slots.get(key);
      if (s != null) {
        last = s;
      }
    }
    return s;
  }

  private Slot<V> add(Slot<V> slot) {
    if (slots.size() >= capacity) {
      makeRoom();
    }
    slots.put(slot.key, slot);
    last = slot;
    return slot;
  }

  /**
   * Keeps memory bounded. Unchanged values go first: they can be read again. Only when at least
   * half of the values changed since the last commit are those written early (inside the task's
   * open transaction, so still exactly once), or a store past its capacity would write back on
   * nearly every new key.
   */
  private void makeRoom() {
    if (changed.size() * 2 >= capacity) {
      writeBack();
    }
    slots.values().removeIf(s -> !s.changed);
    last = null;
  }

  private void forget() {
    slots.clear();
    changed.clear();
    last = null;
  }

  /** Writes every changed key to the inner store (and its changelog). Task thread only. */
  void writeBack() {
    for (Slot<V> slot : changed) {
      inner.put(slot.key, slot.value);
      slot.changed = false;
    }
    changed.clear();
  }

  @Override
  public void flushCache() {
    writeBack();
  }

  @Override
  public void clearCache() {
    // The task is closed dirty or its state is wiped: what was not committed is void.
    forget();
  }

  @Override
  public boolean setFlushListener(CacheFlushListener<String, V> listener, boolean sendOldValues) {
    return false; // nothing downstream is fed from this store's flushes
  }

  @Override
  public void init(StateStoreContext context, StateStore root) {
    // Again after a task is revived, with its state restored from the changelog: forget everything.
    clearCache();
    inner.init(context, root);
  }

  @Override
  public void flush() {
    writeBack();
    inner.flush();
  }

  @Override
  public void commit(Map<TopicPartition, Long> changelogOffsets) {
    writeBack();
    inner.commit(changelogOffsets);
  }

  @Override
  public Long committedOffset(TopicPartition partition) {
    return inner.committedOffset(partition);
  }

  @Override
  public long approximateNumUncommittedBytes() {
    return inner.approximateNumUncommittedBytes(); // for statestore.uncommitted.max.bytes, as Kafka's wrappers do
  }

  @Override
  public boolean managesOffsets() {
    return inner.managesOffsets();
  }

  @Override
  public void close() {
    clearCache();
    inner.close();
  }

  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public boolean persistent() {
    return inner.persistent();
  }

  @Override
  public boolean isOpen() {
    return inner.isOpen();
  }

  @Override
  public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
    return inner.query(query, positionBound, config);
  }

  @Override
  public Position getPosition() {
    return inner.getPosition();
  }

  /**
   * The state as of the last write-back, for iterating (task thread; call {@link #writeBack} first
   * to include every change).
   */
  KeyValueIterator<String, V> committed() {
    return inner.all();
  }
}
