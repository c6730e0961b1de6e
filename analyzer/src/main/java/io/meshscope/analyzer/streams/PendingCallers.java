package io.meshscope.analyzer.streams;

import io.meshscope.analyzer.domain.Observation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Inbound calls whose caller no announcement named when they were read, held and resolved again
 * (docs/architecture.md, "Edge rules"). A caller's announcement reaches the directory only after
 * the task that read it commits and the global store reads it back, so a replay at full speed, or
 * a pod's first calls, would otherwise leave the caller unresolved for good, and the graph would
 * depend on timing. Held by wall clock, since the wait is for the directory, not for event time.
 */
final class PendingCallers {
  static final Duration RETRY = Duration.ofSeconds(1);
  /** Commit interval and the global store's lag, with room: a caller not named by then is unknown. */
  static final Duration WAIT = Duration.ofSeconds(60);
  /** Per task: an unresolvable flood only evicts what it cannot crowd out. */
  static final int MAX_HELD = 50_000;

  private static final Logger log = LoggerFactory.getLogger(PendingCallers.class);

  private final KeyValueStore<String, Observation> store;
  private final Function<Observation, Optional<Observation>> resolve;
  private final Consumer<Observation> resolved;
  private long held;
  private long dropped;
  private long expired;

  /**
   * @param resolve the observation a held one stands for, when the directory now names its caller
   * @param resolved where a resolved observation goes: to its workload's task
   */
  PendingCallers(KeyValueStore<String, Observation> store, Function<Observation, Optional<Observation>> resolve,
      Consumer<Observation> resolved) {
    this.store = store;
    this.resolve = resolve;
    this.resolved = resolved;
  }

  /** Holds {@code o} until {@code WAIT} after {@code wallClockMs}; {@code id} makes its key unique. */
  void hold(Observation o, String id, long wallClockMs) {
    if (store.approximateNumEntries() >= MAX_HELD) {
      if (++dropped % 10_000 == 1) {
        log.warn("{} inbound calls with an unknown caller not held: {} are held already", dropped, MAX_HELD);
      }
      return;
    }
    held++;
    // The deadline first, zero-padded: keys sort by it, so the oldest are tried first.
    store.put(String.format("%015d|%s", wallClockMs + WAIT.toMillis(), id), o);
  }

  /** Resolves what the directory now names; forgets what waited past its deadline. */
  void retry(long wallClockMs) {
    if (store.approximateNumEntries() == 0) {
      return;
    }
    List<String> done = new ArrayList<>();
    try (KeyValueIterator<String, Observation> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<String, Observation> e = it.next();
        Optional<Observation> found = resolve.apply(e.value);
        if (found.isPresent()) {
          resolved.accept(found.get());
          done.add(e.key);
        } else if (deadline(e.key) < wallClockMs) {
          done.add(e.key);
          if (++expired % 10_000 == 1) {
            log.info("{} of {} held inbound calls named no announced caller within {} s; the callers' own logs may"
                + " still show the calls", expired, held, WAIT.toSeconds());
          }
        }
      }
    }
    done.forEach(store::delete);
  }

  private static long deadline(String key) {
    return Long.parseLong(key.substring(0, key.indexOf('|')));
  }
}
