package io.meshscope.kit;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a compacted topic's current state once: the latest value per key, up to the end offsets
 * found at the start, committed records only. No consumer group is joined and nothing is committed,
 * so a one-off reader (a report, a check) leaves no trace.
 */
public final class CompactedTopics {
  private CompactedTopics() {}

  /**
   * @param unreadable told of each value the deserializer refused (key, error); such a key keeps
   *     its previous value
   * @throws IllegalStateException when the topic does not exist or the broker does not answer in {@code timeout}
   */
  public static <V> Map<String, V> latest(String bootstrapServers, Map<String, String> kafka, String topic,
      Deserializer<V> values, BiConsumer<String, RuntimeException> unreadable, Duration timeout) {
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.CLIENT_ID_CONFIG, "meshscope-reader");
    c.putAll(kafka);
    Map<String, V> latest = new HashMap<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c, new StringDeserializer(),
        new ByteArrayDeserializer())) {
      var infos = consumer.partitionsFor(topic, timeout);
      if (infos == null || infos.isEmpty()) {
        throw new IllegalStateException("topic " + topic + " does not exist");
      }
      List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("could not read " + topic + " to its end within " + timeout);
        }
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.value() == null) {
            latest.remove(r.key());
            continue;
          }
          try {
            latest.put(r.key(), values.deserialize(r.topic(), r.value()));
          } catch (RuntimeException e) {
            unreadable.accept(r.key(), e);
          }
        }
      }
    }
    return latest;
  }
}
