package io.meshscope.kafka.test;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

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

  /** Creates the topic and waits for the broker to confirm it. */
  default void createTopic(String name, int partitions, Map<String, String> configs) {
    try (Admin admin = admin()) {
      admin.createTopics(java.util.List.of(new NewTopic(name, partitions, (short) 1).configs(configs)))
          .all().get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted creating topic " + name, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot create topic " + name + " on " + bootstrapServers(), e);
    }
  }
}
