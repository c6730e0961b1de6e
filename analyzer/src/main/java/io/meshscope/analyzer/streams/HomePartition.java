package io.meshscope.analyzer.streams;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Where Kafka's default partitioner puts a string key among the access-log topic's partitions. An
 * observation whose workload key is the key of the record it came from, read from that key's home
 * partition, is already in the task that keeps the workload's graph: it need not cross the
 * repartition topic. Anything else (another producer's partitioner, a key that is not the caller,
 * an unknown partition count) takes the repartition topic, which is always correct.
 */
record HomePartition(int partitions) {

  /** No count known: every observation is repartitioned. */
  static final HomePartition UNKNOWN = new HomePartition(0);

  HomePartition {
    if (partitions < 0) {
      throw new IllegalArgumentException("partition count must not be negative, was " + partitions);
    }
  }

  boolean isHome(String key, int partition) {
    return partitions > 0 && key != null && of(key, partitions) == partition;
  }

  /** The same arithmetic as the producer's default partitioner for a keyed record. */
  static int of(String key, int partitions) {
    return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
  }

  /**
   * For the repartition topic: the same partition that {@link #isHome} expects, whatever
   * partitioner a producer override configures, so that one workload's observations never end up
   * in two tasks.
   */
  static <V> StreamPartitioner<String, V> partitioner() {
    return (topic, key, value, partitions) -> Optional.of(Set.of(of(key, partitions)));
  }
}
