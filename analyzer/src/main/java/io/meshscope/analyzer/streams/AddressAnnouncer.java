package io.meshscope.analyzer.streams;

import io.meshscope.analyzer.domain.WorkloadAddress;
import io.meshscope.schemas.AccessRecord;
import io.meshscope.schemas.Reporter;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Publishes the IPs and namespaces that identities announce, so every analyzer instance can resolve
 * a caller known only by IP. Only changes go out (and a refresh a day), not one write per record.
 */
final class AddressAnnouncer implements Processor<String, AccessRecord, String, WorkloadAddress> {

  private static final Duration REFRESH = Duration.ofDays(1);

  private ProcessorContext<String, WorkloadAddress> context;
  private WriteBackStore<WorkloadAddress> announced;

  @Override
  public void init(ProcessorContext<String, WorkloadAddress> context) {
    this.context = context;
    this.announced = context.getStateStore(AnalyzerSettings.ANNOUNCED_STORE);
  }

  @Override
  public void process(Record<String, AccessRecord> record) {
    AccessRecord r = record.value();
    if (r == null || r.reporter() == null) {
      return;
    }
    Reporter reporter = r.reporter();
    // Only the task that owns the reporter's key announces it: records about the reporter also
    // arrive keyed by its callers, on other partitions, and their announcements would interleave.
    if (!reporter.workload().key().equals(record.key())) {
      return;
    }
    Instant at = Instant.ofEpochMilli(record.timestamp());
    for (String ip : reporter.ips()) {
      announce(ObservationExtractor.IP_PREFIX + ip, new WorkloadAddress(ip, reporter.workload(), reporter.role(), at));
    }
    announce(ObservationExtractor.NAMESPACE_PREFIX + reporter.workload().namespace(),
        new WorkloadAddress(null, reporter.workload(), reporter.role(), at));
  }

  private void announce(String key, WorkloadAddress address) {
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
  }
}
