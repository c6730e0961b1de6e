package io.meshscope.generator;

import io.meshscope.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The generator process's settings (the rendering and timing rules are in the YAML config file,
 * {@code GeneratorConfig}).
 *
 * @param reportTopic where the mesh report goes ({@code meshscope.mesh-report})
 * @param configFile the generator's YAML config (defaults, pinned hosts, adaptive mode, timings);
 *     empty for the defaults
 * @param servicesFile the mesh's services as {@code kubectl get services -A -o json} prints them,
 *     for the payoff; empty to count only the services seen in the logs (a lower bound)
 * @param quietPeriod overrides the config file's quiet period when present (the demo shortens it)
 * @param debounce overrides the config file's debounce when present
 * @param kafka extra Kafka client settings for the generator's consumer and producer (TLS, SASL)
 */
public record GeneratorOptions(
    String bootstrapServers,
    String graphTopic,
    String sidecarTopic,
    String deadLetterTopic,
    String reportTopic,
    Path outDir,
    Optional<Path> configFile,
    Optional<Path> servicesFile,
    Optional<Duration> quietPeriod,
    Optional<Duration> debounce,
    Map<String, String> kafka) {

  public GeneratorOptions {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new IllegalArgumentException("bootstrap servers are required");
    }
    kafka = Map.copyOf(kafka);
  }

  public static GeneratorOptions defaults(String bootstrapServers, Path outDir) {
    return new GeneratorOptions(bootstrapServers, Topics.DEPENDENCY_GRAPHS, Topics.SIDECARS, Topics.DEAD_LETTERS,
        Topics.MESH_REPORT, outDir, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Map.of());
  }

  public GeneratorOptions withTimings(Duration quiet, Duration debounce) {
    return new GeneratorOptions(bootstrapServers, graphTopic, sidecarTopic, deadLetterTopic, reportTopic, outDir,
        configFile, servicesFile, Optional.of(quiet), Optional.of(debounce), kafka);
  }

  public GeneratorOptions withTopics(String graphs, String sidecars, String deadLetters) {
    return withTopics(graphs, sidecars, deadLetters, reportTopic);
  }

  public GeneratorOptions withTopics(String graphs, String sidecars, String deadLetters, String report) {
    return new GeneratorOptions(bootstrapServers, graphs, sidecars, deadLetters, report, outDir, configFile,
        servicesFile, quietPeriod, debounce, kafka);
  }

  public GeneratorOptions withConfigFile(Path file) {
    return new GeneratorOptions(bootstrapServers, graphTopic, sidecarTopic, deadLetterTopic, reportTopic, outDir,
        Optional.ofNullable(file), servicesFile, quietPeriod, debounce, kafka);
  }

  public GeneratorOptions withServicesFile(Path file) {
    return new GeneratorOptions(bootstrapServers, graphTopic, sidecarTopic, deadLetterTopic, reportTopic, outDir,
        configFile, Optional.ofNullable(file), quietPeriod, debounce, kafka);
  }

  public GeneratorOptions withBootstrapServers(String servers) {
    return new GeneratorOptions(servers, graphTopic, sidecarTopic, deadLetterTopic, reportTopic, outDir, configFile,
        servicesFile, quietPeriod, debounce, kafka);
  }

  public GeneratorOptions withKafkaProperties(Map<String, String> properties) {
    return new GeneratorOptions(bootstrapServers, graphTopic, sidecarTopic, deadLetterTopic, reportTopic, outDir,
        configFile, servicesFile, quietPeriod, debounce, properties);
  }
}
