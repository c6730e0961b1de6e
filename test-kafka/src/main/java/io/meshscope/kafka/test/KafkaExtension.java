package io.meshscope.kafka.test;

import io.meshscope.kafka.embedded.EmbeddedKafkaBroker;
import io.meshscope.kafka.embedded.EmbeddedKafkaConfig;
import java.util.Locale;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Hands a test a {@link KafkaCluster} parameter: a real broker, never a mock.
 *
 * <p>Where a Docker engine answers, that is Testcontainers' Kafka (the official {@code apache/kafka}
 * image of the Kafka version on the classpath); otherwise the in-process KRaft broker of
 * {@code embedded-kafka}. The choice can be forced with the system property or environment variable
 * {@code meshscope.test.kafka} / {@code MESHSCOPE_TEST_KAFKA}: {@code auto} (default),
 * {@code embedded} or {@code testcontainers}.
 *
 * <p>One broker serves every test class of a JVM (it is kept in the root store and closed when the
 * run ends): starting one per class would cost seconds each.
 */
public final class KafkaExtension implements ParameterResolver {

  private static final Logger log = LoggerFactory.getLogger(KafkaExtension.class);
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(KafkaExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == KafkaCluster.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context)
      throws ParameterResolutionException {
    return context.getRoot().getStore(NAMESPACE)
        .getOrComputeIfAbsent(KafkaCluster.class, k -> startCluster(), KafkaCluster.class);
  }

  static KafkaCluster startCluster() {
    String choice = setting("meshscope.test.kafka", "MESHSCOPE_TEST_KAFKA", "auto").toLowerCase(Locale.ROOT);
    switch (choice) {
      case "embedded":
        return embedded();
      case "testcontainers":
        return containerized();
      case "auto":
        if (DockerClientFactory.instance().isDockerAvailable()) {
          return containerized();
        }
        log.info("No Docker engine answers: using the in-process KRaft broker");
        return embedded();
      default:
        throw new ParameterResolutionException("meshscope.test.kafka must be auto, embedded or "
            + "testcontainers, was '" + choice + "'");
    }
  }

  private static KafkaCluster embedded() {
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
    return new KafkaCluster() {
      @Override
      public String bootstrapServers() {
        return broker.bootstrapServers();
      }

      @Override
      public String description() {
        return "in-process KRaft broker " + EmbeddedKafkaConfig.KAFKA_VERSION + " at " + broker.bootstrapServers();
      }

      @Override
      public void close() {
        broker.close();
      }
    };
  }

  private static KafkaCluster containerized() {
    KafkaContainer container =
        new KafkaContainer(DockerImageName.parse("apache/kafka:" + EmbeddedKafkaConfig.KAFKA_VERSION))
            .withEnv("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1")
            .withEnv("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1")
            .withEnv("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1")
            .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false");
    container.start();
    log.info("Testcontainers Kafka {} at {}", container.getDockerImageName(), container.getBootstrapServers());
    return new KafkaCluster() {
      @Override
      public String bootstrapServers() {
        return container.getBootstrapServers();
      }

      @Override
      public String description() {
        return "Testcontainers " + container.getDockerImageName() + " at " + container.getBootstrapServers();
      }

      @Override
      public void close() {
        container.stop();
      }
    };
  }

  private static String setting(String property, String env, String fallback) {
    String value = System.getProperty(property);
    if (value == null || value.isBlank()) {
      value = System.getenv(env);
    }
    return value == null || value.isBlank() ? fallback : value.trim();
  }
}
