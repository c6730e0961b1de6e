package io.meshscope.kafka.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class EmbeddedKafkaBrokerIT {

  @Test
  void namedDataDirectoryResumesTopicsAndRecordsAcrossRestarts(@TempDir Path dir) throws Exception {
    EmbeddedKafkaConfig config = EmbeddedKafkaConfig.persistentIn(dir.resolve("kafka"));
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(config)) {
      try (Admin admin = admin(broker)) {
        admin.createTopics(List.of(new NewTopic("kept", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
      }
      Properties p = new Properties();
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
      try (KafkaProducer<String, String> producer =
          new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
        producer.send(new ProducerRecord<>("kept", "k", "survives a restart")).get(30, TimeUnit.SECONDS);
      }
    }
    assertTrue(Files.isDirectory(dir.resolve("kafka")), "a named data directory is kept on close");

    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(config)) {
      try (Admin admin = admin(broker)) {
        assertTrue(admin.listTopics().names().get(30, TimeUnit.SECONDS).contains("kept"));
      }
      Properties p = new Properties();
      p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
      p.put(ConsumerConfig.GROUP_ID_CONFIG, "resume-check");
      p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      try (KafkaConsumer<String, String> consumer =
          new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
        consumer.subscribe(Set.of("kept"));
        String value = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (value == null && System.nanoTime() < deadline) {
          for (var r : consumer.poll(Duration.ofMillis(500))) {
            value = r.value();
          }
        }
        assertEquals("survives a restart", value);
      }
    }
  }

  @Test
  void temporaryDataDirectoryIsDeletedAndShutdownIsQuick() {
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
    Path dataDir = broker.dataDir();
    assertTrue(Files.exists(dataDir.resolve("meta.properties")) || Files.exists(dataDir.resolve("logs")));
    long start = System.nanoTime();
    broker.close();
    long closeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertFalse(Files.exists(dataDir), "the temporary data directory is removed on close");
    // Generous bound: a clean shutdown takes about half a second here; a hang would take minutes.
    assertTrue(closeMillis < 30_000, "close took " + closeMillis + " ms");
    broker.close(); // idempotent
  }

  @Test
  void invalidSettingsAreRejectedWithTheCulpritNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> EmbeddedKafkaConfig.ephemeral().withPort(70_000));
    assertEquals("port must be 0 (any free port) or 1-65535, was 70000", e.getMessage());
  }

  private static Admin admin(EmbeddedKafkaBroker broker) {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
  }
}
