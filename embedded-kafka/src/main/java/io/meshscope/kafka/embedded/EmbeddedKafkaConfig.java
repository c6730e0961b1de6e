package io.meshscope.kafka.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * How to start the embedded broker.
 *
 * @param dataDir where the broker keeps its logs; empty means a fresh temporary directory that is
 *     deleted on close. A named directory survives, and a later start resumes from it.
 * @param port the client port on 127.0.0.1; 0 picks a free one
 * @param defaultPartitions partitions of a topic created without a count
 * @param startTimeout how long to wait for the broker to answer
 * @param overrides extra broker settings, applied last
 */
public record EmbeddedKafkaConfig(
    Optional<Path> dataDir, int port, int defaultPartitions, Duration startTimeout,
    Map<String, String> overrides) {

  /** The Kafka version on the classpath, for logs and the README. */
  public static final String KAFKA_VERSION = kafkaVersion();

  public EmbeddedKafkaConfig {
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(startTimeout, "startTimeout");
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be 0 (any free port) or 1-65535, was " + port);
    }
    if (defaultPartitions < 1) {
      throw new IllegalArgumentException("defaultPartitions must be at least 1, was " + defaultPartitions);
    }
    overrides = Map.copyOf(overrides);
  }

  private static String kafkaVersion() {
    // kafka-clients ships its version as a resource; the class that reads it is internal API.
    try (InputStream in = EmbeddedKafkaConfig.class.getResourceAsStream("/kafka/kafka-version.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  public static EmbeddedKafkaConfig ephemeral() {
    return new EmbeddedKafkaConfig(Optional.empty(), 0, 1, Duration.ofSeconds(60), Map.of());
  }

  public static EmbeddedKafkaConfig persistentIn(Path dataDir) {
    return ephemeral().withDataDir(dataDir);
  }

  public EmbeddedKafkaConfig withDataDir(Path dir) {
    return new EmbeddedKafkaConfig(Optional.of(dir), port, defaultPartitions, startTimeout, overrides);
  }

  public EmbeddedKafkaConfig withPort(int p) {
    return new EmbeddedKafkaConfig(dataDir, p, defaultPartitions, startTimeout, overrides);
  }

  public EmbeddedKafkaConfig withOverrides(Map<String, String> more) {
    return new EmbeddedKafkaConfig(dataDir, port, defaultPartitions, startTimeout, more);
  }
}
