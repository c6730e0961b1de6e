package io.meshscope.cli;

import io.meshscope.analyzer.Analyzer;
import io.meshscope.analyzer.AnalyzerConfig;
import io.meshscope.generator.GeneratorOptions;
import io.meshscope.generator.SidecarGenerator;
import io.meshscope.kafka.test.KafkaCluster;
import io.meshscope.kit.TopicAdmin;
import io.meshscope.receiver.AlsReceiver;
import io.meshscope.receiver.ReceiverConfig;
import io.meshscope.schemas.Topics;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The three stages in the test's process, on topics and an application id of their own (the broker is
 * shared with other classes), with short commit, quiet and debounce times.
 */
record Stages(AlsReceiver receiver, Analyzer analyzer, SidecarGenerator generator) implements AutoCloseable {
  static Stages start(KafkaCluster kafka, Path dir, Path out) throws IOException {
    String logs = kafka.uniqueTopic("stages-logs");
    String graphs = kafka.uniqueTopic("stages-graphs");
    String dead = kafka.uniqueTopic("stages-dead");
    TopicAdmin.ensure(kafka.bootstrapServers(), List.of(Topics.accessLogs().named(logs)), 2);
    AnalyzerConfig analyzerConfig = AnalyzerConfig.defaults(kafka.bootstrapServers(), dir.resolve("state"), 0);
    analyzerConfig = analyzerConfig
        .withSettings(analyzerConfig.settings().withTopics(logs, graphs, kafka.uniqueTopic("stages-directory"), dead))
        .withStreamsProperty(StreamsConfig.APPLICATION_ID_CONFIG, kafka.uniqueTopic("stages-analyzer"))
        .withStreamsProperty(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "500");
    GeneratorOptions generatorOptions = GeneratorOptions.defaults(kafka.bootstrapServers(), out)
        .withTopics(graphs, kafka.uniqueTopic("stages-sidecars"), dead)
        .withTimings(Duration.ofSeconds(3), Duration.ofSeconds(1));
    AlsReceiver receiver = AlsReceiver.start(ReceiverConfig.fromMap(Map.of("bootstrap.servers",
        kafka.bootstrapServers(), "topic", logs, "grpc.port", "0", "metrics.port", "-1")));
    Analyzer analyzer = null;
    try {
      analyzer = Analyzer.start(analyzerConfig);
      return new Stages(receiver, analyzer, SidecarGenerator.start(generatorOptions, Clock.systemUTC(), (d, f) -> { }));
    } catch (IOException | RuntimeException e) {
      if (analyzer != null) {
        analyzer.close();
      }
      receiver.close();
      throw e;
    }
  }

  @Override
  public void close() {
    generator.close();
    analyzer.close();
    receiver.close();
  }
}
