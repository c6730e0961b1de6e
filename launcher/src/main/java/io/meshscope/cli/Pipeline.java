package io.meshscope.cli;

import io.meshscope.analyzer.Analyzer;
import io.meshscope.analyzer.AnalyzerConfig;
import io.meshscope.generator.GeneratorOptions;
import io.meshscope.generator.SidecarGenerator;
import io.meshscope.kafka.embedded.EmbeddedKafkaBroker;
import io.meshscope.kafka.embedded.EmbeddedKafkaConfig;
import io.meshscope.receiver.AlsReceiver;
import io.meshscope.receiver.ReceiverConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.UnaryOperator;

/**
 * All three stages in one process, on the embedded broker or on the user's Kafka: what {@code run}
 * and {@code demo} start. Closing stops them in reverse order, the broker last.
 */
final class Pipeline implements AutoCloseable {

  final EmbeddedKafkaBroker broker;
  final String bootstrapServers;
  final AlsReceiver receiver;
  final Analyzer analyzer;
  final SidecarGenerator generator;
  private final Deque<AutoCloseable> started;

  private Pipeline(EmbeddedKafkaBroker broker, String bootstrap, AlsReceiver receiver, Analyzer analyzer,
      SidecarGenerator generator, Deque<AutoCloseable> started) {
    this.broker = broker;
    this.bootstrapServers = bootstrap;
    this.receiver = receiver;
    this.analyzer = analyzer;
    this.generator = generator;
    this.started = started;
  }

  /**
   * What to start and where; {@code bootstrapServers} null means the embedded broker in {@code dataDir}.
   * {@code analyzerTuning} changes the analyzer's defaults (the demo's shorter intervals).
   */
  record Settings(String bootstrapServers, Path dataDir, int grpcPort, int metricsPort, int httpPort,
      GeneratorOptions generator, SidecarGenerator.Listener listener, UnaryOperator<AnalyzerConfig> analyzerTuning) {}

  static Pipeline start(Settings s) throws Exception {
    Deque<AutoCloseable> started = new ArrayDeque<>();
    try {
      EmbeddedKafkaBroker broker = null;
      String bootstrap = s.bootstrapServers();
      if (bootstrap == null) {
        broker = EmbeddedKafkaBroker.start(EmbeddedKafkaConfig.persistentIn(s.dataDir().resolve("kafka")));
        started.push(broker);
        bootstrap = broker.bootstrapServers();
      }
      KafkaCommand.createTopics(bootstrap, 4);
      AlsReceiver receiver = AlsReceiver.start(ReceiverConfig.defaults(bootstrap, s.grpcPort(), s.metricsPort()));
      started.push(receiver);
      Analyzer analyzer = Analyzer.start(s.analyzerTuning().apply(
          AnalyzerConfig.defaults(bootstrap, s.dataDir().resolve("analyzer-state"), s.httpPort())));
      started.push(analyzer);
      GeneratorOptions g = s.generator();
      // The mesh report's gauges go beside the receiver's, on its metrics port.
      SidecarGenerator generator = SidecarGenerator.start(g.withBootstrapServers(bootstrap), Clock.systemUTC(),
          s.listener(), receiver.metrics().registry());
      started.push(generator);
      return new Pipeline(broker, bootstrap, receiver, analyzer, generator, started);
    } catch (Exception | Error e) {
      closeAll(started);
      throw e;
    }
  }

  @Override
  public void close() {
    closeAll(started);
  }

  private static void closeAll(Deque<AutoCloseable> started) {
    while (!started.isEmpty()) {
      try {
        started.pop().close();
      } catch (Exception e) {
        System.err.println("meshscope: error while stopping: " + e);
      }
    }
  }
}
