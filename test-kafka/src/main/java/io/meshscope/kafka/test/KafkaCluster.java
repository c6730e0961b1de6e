package io.meshscope.kafka.test;

import io.meshscope.kit.TopicAdmin;
import io.meshscope.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.serialization.Deserializer;

/** A running Kafka that a test may use; handed out by {@link KafkaExtension}. */
public interface KafkaCluster extends AutoCloseable {

  /** The address for {@code bootstrap.servers}. */
  String bootstrapServers();

  /** What kind of broker this is, for test logs. */
  String description();

  @Override
  void close();

  /** Tests share one broker per JVM, so each test names its topics uniquely. */
  default String uniqueTopic(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  default Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
  }

  /**
   * Reads a topic from the beginning with a fresh group until at least {@code expected} records
   * arrived and three polls in a row brought nothing more (so extra records show too), or a minute
   * passed. Tests assert on what comes back.
   */
  default <K, V> List<ConsumerRecord<K, V>> consumeAll(String topic, Deserializer<K> keys, Deserializer<V> values,
      int expected, IsolationLevel isolation) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, uniqueTopic("test-reader"));
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation.toString());
    List<ConsumerRecord<K, V>> out = new ArrayList<>();
    try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(p, keys, values)) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      int quietPolls = 0;
      while (System.nanoTime() < deadline && quietPolls < 3) {
        ConsumerRecords<K, V> batch = consumer.poll(Duration.ofMillis(500));
        batch.forEach(out::add);
        quietPolls = out.size() >= expected && batch.isEmpty() ? quietPolls + 1 : 0;
      }
    }
    return out;
  }

  /** Creates the topic and waits until every partition has an open leader ({@link Topics#create}). */
  default void createTopic(String name, int partitions, Map<String, String> configs) {
    try (Admin admin = admin()) {
      TopicAdmin.create(admin, List.of(new NewTopic(name, partitions, (short) 1).configs(configs)),
          Duration.ofSeconds(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted creating topic " + name, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot create topic " + name + " on " + bootstrapServers(), e);
    }
  }
}
