package io.meshscope.kafka.test;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.meshscope.kit.TopicAdmin;
import io.meshscope.schemas.Topic;
import io.meshscope.schemas.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaExtension.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class TopicsIT {

  private static final int PARTITIONS = 24;

  /**
   * A producer that may not retry fails on any partition the broker has not opened yet, so every
   * partition taking a record at the first attempt shows that {@link Topics#ensure} returned only
   * after all were open. Without the wait, the last of 24 partitions is still being opened when the
   * first records arrive.
   */
  @Test
  void ensureReturnsOnlyWhenEveryPartitionTakesWrites(KafkaCluster kafka) throws Exception {
    String topic = kafka.uniqueTopic("ready");
    List<String> created = TopicAdmin.ensure(kafka.bootstrapServers(),
        List.of(new Topic<>(topic, Serdes.ByteArray(), Map.of())), PARTITIONS);
    assertEquals(List.of(topic), created);

    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
    p.put(ProducerConfig.RETRIES_CONFIG, 0);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      for (int partition = 0; partition < PARTITIONS; partition++) {
        sent.add(producer.send(new ProducerRecord<>(topic, partition, "k", "v")));
      }
      for (int partition = 0; partition < PARTITIONS; partition++) {
        try {
          assertEquals(partition, sent.get(partition).get(30, TimeUnit.SECONDS).partition());
        } catch (ExecutionException e) {
          throw new AssertionError("partition " + partition + " refused its first write: " + e.getCause(), e);
        }
      }
    }

    assertEquals(List.of(), TopicAdmin.ensure(kafka.bootstrapServers(), List.of(new Topic<>(topic, Serdes.ByteArray(), Map.of())), 1),
        "an existing topic is left alone");
  }
}
