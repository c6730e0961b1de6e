package io.meshscope.analyzer.streams;

import io.meshscope.analyzer.domain.Directory;
import io.meshscope.analyzer.domain.EdgeExtractor;
import io.meshscope.analyzer.domain.Observation;
import io.meshscope.analyzer.domain.WorkloadAddress;
import io.meshscope.schemas.AccessRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the edge rules to each record, with the directory that the global store holds, and tells
 * which observations are already in their workload's partition (see {@link HomePartition}).
 */
final class ObservationExtractor {

  static final String IP_PREFIX = "ip:";
  static final String NAMESPACE_PREFIX = "ns:";
  /** {@code sa:<namespace>/<service account>/<workload key>}: one entry per workload, found by prefix. */
  static final String SERVICE_ACCOUNT_PREFIX = "sa:";
  private static final Logger log = LoggerFactory.getLogger(ObservationExtractor.class);
  private static final StringSerializer KEYS = new StringSerializer();
  /** More workloads than this under one account are reported as ambiguous all the same. */
  private static final int MAX_SHARING = 16;

  private final EdgeExtractor extractor;
  private final HomePartition partitioning;
  private final Directory directory;
  private long withoutIdentity;

  ObservationExtractor(EdgeExtractor extractor, HomePartition partitioning,
      TimestampedKeyValueStore<String, WorkloadAddress> store) {
    this.extractor = extractor;
    this.partitioning = partitioning;
    this.directory = new Directory() {
      @Override
      public Optional<WorkloadAddress> byIp(String ip) {
        return Optional.ofNullable(store.get(IP_PREFIX + ip)).map(ValueAndTimestamp::value);
      }

      @Override
      public List<WorkloadAddress> byServiceAccount(String namespace, String serviceAccount) {
        List<WorkloadAddress> found = new ArrayList<>(2);
        try (KeyValueIterator<String, ValueAndTimestamp<WorkloadAddress>> it = store.prefixScan(
            serviceAccountPrefix(namespace, serviceAccount), KEYS)) {
          // Bounded: a namespace's workloads under one account, and a forged account matches none.
          for (int i = 0; it.hasNext() && i < MAX_SHARING; i++) {
            found.add(it.next().value.value());
          }
        }
        return found;
      }

      @Override
      public boolean isNamespace(String namespace) {
        return store.get(NAMESPACE_PREFIX + namespace) != null;
      }
    };
  }

  static String serviceAccountPrefix(String namespace, String serviceAccount) {
    return SERVICE_ACCOUNT_PREFIX + namespace + "/" + serviceAccount + "/";
  }

  List<Observation> extract(AccessRecord r) {
    if (r.reporter() == null && ++withoutIdentity % 10_000 == 1) {
      log.warn("{} access records without a reporter identity so far: they add nothing to graphs", withoutIdentity);
    }
    return extractor.extract(r, directory);
  }

  /** See {@link EdgeExtractor#resolvePending}: with what the directory holds now. */
  Optional<Observation> resolvePending(Observation pending) {
    return extractor.resolvePending(pending, directory);
  }

  /** Whether a record with {@code key}, read from {@code partition} (-1: unknown), is in its key's home partition. */
  boolean keyIsHome(String key, int partition) {
    return partition >= 0 && partitioning.isHome(key, partition);
  }
}
