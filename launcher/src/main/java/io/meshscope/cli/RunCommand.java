package io.meshscope.cli;

import io.meshscope.analyzer.AnalyzerConfig;
import io.meshscope.receiver.ReceiverConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Runs receiver, analyzer and generator in one process.",
        "Without --bootstrap-servers it starts an embedded single-node Kafka whose data stays in --data-dir,",
        "so a second run resumes. Point Envoy's ALS at the gRPC port; Sidecars appear under --out."})
final class RunCommand implements Callable<Integer> {

  @Option(names = "--bootstrap-servers", defaultValue = "${env:MESHSCOPE_BOOTSTRAP_SERVERS}",
      description = "Your Kafka; without it an embedded broker is started (MESHSCOPE_BOOTSTRAP_SERVERS).")
  String bootstrapServers;

  @Option(names = "--data-dir", defaultValue = ".meshscope/run",
      description = "Embedded Kafka's data and the analyzer's state. Default: ${DEFAULT-VALUE}.")
  Path dataDir;

  @Option(names = "--grpc-port", defaultValue = "" + ReceiverConfig.DEFAULT_GRPC_PORT,
      description = "ALS port. Default: ${DEFAULT-VALUE}.")
  int grpcPort;

  @Option(names = "--metrics-port", defaultValue = "" + ReceiverConfig.DEFAULT_METRICS_PORT,
      description = "Receiver metrics. Default: ${DEFAULT-VALUE}.")
  int metricsPort;

  @Option(names = "--http-port", defaultValue = "" + AnalyzerConfig.DEFAULT_HTTP_PORT,
      description = "Graph queries. Default: ${DEFAULT-VALUE}.")
  int httpPort;

  @Mixin
  GeneratorCommand.GeneratorFlags generator;

  @Override
  public Integer call() throws Exception {
    Pipeline pipeline = Pipeline.start(new Pipeline.Settings(bootstrapServers, dataDir, grpcPort, metricsPort,
        httpPort, generator.options("unused"), null, UnaryOperator.identity()));
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      pipeline.close();
      stop.countDown();
    }, "meshscope-shutdown"));
    System.out.printf("meshscope running: Kafka %s, Envoy ALS on :%d, graphs on http://127.0.0.1:%d/graphs, "
        + "Sidecars in %s. Ctrl-C stops.%n", pipeline.bootstrapServers, pipeline.receiver.port(),
        pipeline.analyzer.httpPort(), pipeline.generator.outDir());
    stop.await();
    return 0;
  }
}
