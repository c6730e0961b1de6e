package io.meshscope.analyzer.streams;

import io.meshscope.analyzer.domain.Directory;
import io.meshscope.analyzer.domain.EdgeExtractor;
import io.meshscope.analyzer.domain.Observation;
import io.meshscope.analyzer.domain.WorkloadAddress;
import io.meshscope.schemas.AccessRecord;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the edge rules to each record, re-keying every observation by its workload, and marks
 * each one that is already in its workload's partition (see {@link HomePartition}).
 */
final class ObservationExtractor implements Processor<String, AccessRecord, String, ObservationExtractor.Routed> {

  /** @param home the observation's workload is kept by this task: no repartition needed */
  record Routed(Observation observation, boolean home) {}

  static final String IP_PREFIX = "ip:";
  static final String NAMESPACE_PREFIX = "ns:";
  private static final Logger log = LoggerFactory.getLogger(ObservationExtractor.class);

  private final EdgeExtractor extractor;
  private final HomePartition partitioning;
  private ProcessorContext<String, Routed> context;
  private Directory directory;
  private long withoutIdentity;

  ObservationExtractor(EdgeExtractor extractor, HomePartition partitioning) {
    this.extractor = extractor;
    this.partitioning = partitioning;
  }

  @Override
  public void init(ProcessorContext<String, Routed> context) {
    this.context = context;
    TimestampedKeyValueStore<String, WorkloadAddress> store = context.getStateStore(AnalyzerSettings.DIRECTORY_STORE);
    this.directory = new Directory() {
      @Override
      public Optional<WorkloadAddress> byIp(String ip) {
        return Optional.ofNullable(store.get(IP_PREFIX + ip)).map(ValueAndTimestamp::value);
      }

      @Override
      public boolean isNamespace(String namespace) {
        return store.get(NAMESPACE_PREFIX + namespace) != null;
      }
    };
  }

  @Override
  public void process(Record<String, AccessRecord> record) {
    if (record.value() == null) {
      return; // a tombstone on a delete-policy topic means nothing
    }
    if (record.value().reporter() == null && ++withoutIdentity % 10_000 == 1) {
      log.warn("{} access records without a reporter identity so far: they add nothing to graphs", withoutIdentity);
    }
    List<Observation> observations = extractor.extract(record.value(), directory);
    if (observations.isEmpty()) {
      return;
    }
    boolean keyIsHome = context.recordMetadata().map(m -> partitioning.isHome(record.key(), m.partition()))
        .orElse(false);
    for (Observation o : observations) {
      boolean home = keyIsHome && o.key().equals(record.key());
      context.forward(new Record<>(o.key(), new Routed(o, home), record.timestamp()));
    }
  }
}
