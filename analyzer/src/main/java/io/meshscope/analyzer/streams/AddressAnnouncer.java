package io.meshscope.analyzer.streams;

import io.meshscope.analyzer.domain.HostNormalizer;
import io.meshscope.analyzer.domain.WorkloadAddress;
import io.meshscope.schemas.AccessRecord;
import io.meshscope.schemas.Reporter;
import java.time.Duration;
import java.time.Instant;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Publishes the IPs and namespaces that identities announce, so every analyzer instance can resolve
 * a caller known only by IP. Only changes go out (and a refresh a day), not one write per record.
 *
 * <p>A reporter seen again before any of its announcements is due for refresh is skipped by
 * identity: within a stream thread the reader hands out the same {@link Reporter} object for the
 * same bytes while its memo keeps them (reporters of 128 bytes or more), and building the keys and
 * reading the store for every record was 9% of the stream threads. A reporter read anew is looked
 * up in the store as before. So an IP that two workloads of one task claim at once (a reused pod
 * IP) stays with the one that announced last until the other's daily refresh, where before it
 * changed hands with every record.
 */
final class AddressAnnouncer {

  private static final Duration REFRESH = Duration.ofDays(1);
  // Each entry keeps its Reporter alive (about a kilobyte): bounded well below the heap.
  private static final int MAX_REMEMBERED = 8_192;

  private final WriteBackStore<WorkloadAddress> announced;
  // Reporter -> event time (ms) up to which none of its announcements needs refreshing.
  private final Map<Reporter, Long> quietUntil = new IdentityHashMap<>();

  /** Made at each (re)initialization of a task: a revived task starts from its changelog, not from memory. */
  AddressAnnouncer(WriteBackStore<WorkloadAddress> announced) {
    this.announced = announced;
  }

  /**
   * Sends what is news about the reporter of a record with {@code key}, stamped {@code wallClock}.
   */
  void process(String key, AccessRecord r, long timestamp, long wallClock, Consumer<Record<String, Outcome>> out) {
    if (r == null || r.reporter() == null) {
      return;
    }
    Reporter reporter = r.reporter();
    Long quiet = quietUntil.get(reporter);
    if (quiet != null && timestamp <= quiet) {
      return;
    }
    // Only the task that owns the reporter's key announces it: records about the reporter also
    // arrive keyed by its callers, on other partitions, and their announcements would interleave.
    if (!reporter.workload().hasKey(key)) {
      return;
    }
    Instant at = Instant.ofEpochMilli(timestamp);
    long due = Long.MAX_VALUE;
    for (String ip : reporter.ips()) {
      due = Math.min(due, announce(ObservationExtractor.IP_PREFIX + ip,
          new WorkloadAddress(ip, reporter.workload(), reporter.role(), at), wallClock, out));
    }
    WorkloadAddress marker = new WorkloadAddress(null, reporter.workload(), reporter.role(), at);
    due = Math.min(due, announce(ObservationExtractor.NAMESPACE_PREFIX + reporter.workload().namespace(), marker,
        wallClock, out));
    String account = reporter.serviceAccount();
    if (account != null && HostNormalizer.isServiceAccountName(account)) {
      // So that a caller known only by its certificate's namespace and service account can be found.
      due = Math.min(due, announce(ObservationExtractor.serviceAccountPrefix(reporter.workload().namespace(), account)
          + reporter.workload().key(), marker, wallClock, out));
    }
    if (quietUntil.size() >= MAX_REMEMBERED) {
      quietUntil.clear(); // reporters the reader no longer keeps would pile up
    }
    quietUntil.put(reporter, due);
  }

  /** Announces {@code address} if it is news; returns the event time (ms) until which it is not due again. */
  private long announce(String key, WorkloadAddress address, long wallClock, Consumer<Record<String, Outcome>> out) {
    WorkloadAddress prev = announced.read(key);
    boolean namespaceMarker = address.ip() == null;
    boolean changed = prev == null
        || (!namespaceMarker && (!prev.workload().equals(address.workload()) || !prev.role().equals(address.role())))
        || prev.seenAt().plus(REFRESH).isBefore(address.seenAt());
    if (changed) {
      announced.write(key, address);
      // Stamped with the wall clock, not the record's event time: a namespace is announced by every
      // task that sees one of its workloads, each at its own event time, and the directory table
      // would log every older stamp after a newer one as an out-of-order update. The event time is
      // in the value.
      out.accept(new Record<>(key, new Outcome.Announcement(address), wallClock));
    }
    return (changed ? address : prev).seenAt().plus(REFRESH).toEpochMilli();
  }
}
