package io.meshscope.analyzer.streams;

import io.meshscope.analyzer.domain.WorkloadAddress;
import io.meshscope.schemas.AccessRecord;
import io.meshscope.schemas.Reporter;
import java.time.Duration;
import java.time.Instant;
import java.util.IdentityHashMap;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Publishes the IPs and namespaces that identities announce, so every analyzer instance can resolve
 * a caller known only by IP. Only changes go out (and a refresh a day), not one write per record.
 *
 * <p>A reporter seen again before any of its announcements is due for refresh is skipped by
 * identity: the reader hands out the same {@link Reporter} object for the same bytes, and building
 * the keys and reading the store for every record was 9% of the stream threads. So an IP that two
 * workloads of one task claim at once (a reused pod IP) stays with the one that announced last
 * until the other's daily refresh, where before it changed hands with every record.
 */
final class AddressAnnouncer implements Processor<String, AccessRecord, String, WorkloadAddress> {

  private static final Duration REFRESH = Duration.ofDays(1);
  private static final int MAX_REMEMBERED = 50_000;

  private ProcessorContext<String, WorkloadAddress> context;
  private WriteBackStore<WorkloadAddress> announced;
  // Reporter -> event time (ms) up to which none of its announcements needs refreshing.
  private final Map<Reporter, Long> quietUntil = new IdentityHashMap<>();

  @Override
  public void init(ProcessorContext<String, WorkloadAddress> context) {
    this.context = context;
    this.announced = context.getStateStore(AnalyzerSettings.ANNOUNCED_STORE);
    quietUntil.clear(); // a revived task starts from its changelog, not from what this one remembers
  }

  @Override
  public void process(Record<String, AccessRecord> record) {
    AccessRecord r = record.value();
    if (r == null || r.reporter() == null) {
      return;
    }
    Reporter reporter = r.reporter();
    Long quiet = quietUntil.get(reporter);
    if (quiet != null && record.timestamp() <= quiet) {
      return;
    }
    // Only the task that owns the reporter's key announces it: records about the reporter also
    // arrive keyed by its callers, on other partitions, and their announcements would interleave.
    if (!reporter.workload().key().equals(record.key())) {
      return;
    }
    Instant at = Instant.ofEpochMilli(record.timestamp());
    long due = Long.MAX_VALUE;
    for (String ip : reporter.ips()) {
      due = Math.min(due, announce(ObservationExtractor.IP_PREFIX + ip,
          new WorkloadAddress(ip, reporter.workload(), reporter.role(), at)));
    }
    due = Math.min(due, announce(ObservationExtractor.NAMESPACE_PREFIX + reporter.workload().namespace(),
        new WorkloadAddress(null, reporter.workload(), reporter.role(), at)));
    if (quietUntil.size() >= MAX_REMEMBERED) {
      quietUntil.clear(); // reporters the reader no longer keeps would pile up
    }
    quietUntil.put(reporter, due);
  }

  /** Announces {@code address} if it is news; returns the event time (ms) until which it is not due again. */
  private long announce(String key, WorkloadAddress address) {
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
      context.forward(new Record<>(key, address, context.currentSystemTimeMs()));
    }
    return (changed ? address : prev).seenAt().plus(REFRESH).toEpochMilli();
  }
}
