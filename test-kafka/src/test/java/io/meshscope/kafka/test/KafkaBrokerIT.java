package io.meshscope.kafka.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

@ExtendWith(KafkaExtension.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class KafkaBrokerIT {

  private static final Logger log = LoggerFactory.getLogger(KafkaBrokerIT.class);
  private static final int RECORDS = 10_000;

  @Test
  void producesAndConsumesTenThousandKeyedRecords(KafkaCluster kafka) {
    log.info("running against {}", kafka.description());
    String topic = kafka.uniqueTopic("keyed");
    kafka.createTopic(topic, 3, Map.of());

    try (KafkaProducer<String, String> producer = producer(kafka, Map.of())) {
      for (int i = 0; i < RECORDS; i++) {
        producer.send(new ProducerRecord<>(topic, "key-" + (i % 100), "value-" + i));
      }
      producer.flush();
    }

    Map<String, String> lastValuePerKey = new HashMap<>();
    int[] perKeyCount = new int[100];
    List<ConsumerRecord<String, String>> records = consumeAll(kafka, topic, RECORDS, IsolationLevel.READ_UNCOMMITTED);
    for (ConsumerRecord<String, String> r : records) {
      int key = Integer.parseInt(r.key().substring("key-".length()));
      int value = Integer.parseInt(r.value().substring("value-".length()));
      assertEquals(key, value % 100, "record " + r.value() + " carries the wrong key " + r.key());
      perKeyCount[key]++;
      lastValuePerKey.put(r.key(), r.value());
    }
    assertEquals(RECORDS, records.size());
    for (int k = 0; k < 100; k++) {
      assertEquals(RECORDS / 100, perKeyCount[k], "records for key-" + k);
      // A key lives on one partition, so its records keep their order.
      assertEquals("value-" + (RECORDS - 100 + k), lastValuePerKey.get("key-" + k));
    }
  }

  @Test
  void committedTransactionIsVisibleAndAbortedOneIsNot(KafkaCluster kafka) {
    String topic = kafka.uniqueTopic("tx");
    kafka.createTopic(topic, 1, Map.of());

    try (KafkaProducer<String, String> producer =
        producer(kafka, Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, kafka.uniqueTopic("tx-id")))) {
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, "k", "aborted"));
      producer.abortTransaction();
      producer.beginTransaction();
      for (int i = 0; i < 10; i++) {
        producer.send(new ProducerRecord<>(topic, "k", "committed-" + i));
      }
      producer.commitTransaction();
    }

    List<ConsumerRecord<String, String>> records = consumeAll(kafka, topic, 10, IsolationLevel.READ_COMMITTED);
    assertEquals(10, records.size());
    assertTrue(records.stream().allMatch(r -> r.value().startsWith("committed-")),
        "a read_committed consumer saw an aborted record: " + records);
  }

  static KafkaProducer<String, String> producer(KafkaCluster kafka, Map<String, Object> extra) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.putAll(extra);
    return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
  }

  static List<ConsumerRecord<String, String>> consumeAll(
      KafkaCluster kafka, String topic, int expected, IsolationLevel isolation) {
    return kafka.consumeAll(topic, new StringDeserializer(), new StringDeserializer(), expected, isolation);
  }
}
