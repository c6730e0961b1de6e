package io.meshscope.cli;

import io.meshscope.generator.GeneratorOptions;
import io.meshscope.generator.SidecarGenerator;
import io.meshscope.generator.domain.EmitTimings;
import io.meshscope.kit.Durations;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "generator", mixinStandardHelpOptions = true,
    description = {"Runs the sidecar-generator: dependency graphs to Sidecar YAML for review.",
        "Writes <out>/<namespace>/<name>.yaml with a .summary.txt beside it, and the meshscope.sidecars topic;",
        "the mesh report to <out>/mesh-report.md and .json, and the meshscope.mesh-report topic."})
final class GeneratorCommand implements Callable<Integer> {

  @Option(names = "--bootstrap-servers", required = true, defaultValue = "${env:MESHSCOPE_BOOTSTRAP_SERVERS}",
      description = "Kafka, host:port[,host:port] (MESHSCOPE_BOOTSTRAP_SERVERS).")
  String bootstrapServers;

  @Option(names = "--metrics-port", defaultValue = "" + DEFAULT_METRICS_PORT,
      description = "Prometheus metrics (the mesh report's gauges, the JVM's); -1 for none. Default: ${DEFAULT-VALUE}.")
  int metricsPort;

  @Mixin
  GeneratorFlags flags;

  static final int DEFAULT_METRICS_PORT = 9466;

  @Override
  public Integer call() throws Exception {
    PrometheusRegistry registry = new PrometheusRegistry();
    JvmMetrics.builder().register(registry);
    // Started first, so that a bad config or services file fails before any port is taken.
    SidecarGenerator generator = SidecarGenerator.start(flags.options(bootstrapServers), Clock.systemUTC(), null,
        registry);
    HTTPServer metrics;
    try {
      metrics = metricsPort < 0 ? null : HTTPServer.builder().port(metricsPort).registry(registry).buildAndStart();
    } catch (IOException e) {
      generator.close();
      throw new IllegalArgumentException("cannot serve metrics on port " + metricsPort + ": " + e.getMessage(), e);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      generator.close();
      if (metrics != null) {
        metrics.close();
      }
    }, "meshscope-shutdown"));
    generator.awaitStop();
    return 0;
  }

  /** The generator's options, shared by {@code generator}, {@code run} and {@code demo}. */
  static final class GeneratorFlags {
    @Option(names = "--out", defaultValue = "${env:MESHSCOPE_OUT:-sidecars}",
        description = "Where Sidecar files go (MESHSCOPE_OUT). Default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--config", defaultValue = "${env:MESHSCOPE_GENERATOR_CONFIG}",
        description = "Generator config (YAML): default and pinned hosts, exclusions, adaptive mode, timings "
            + "(MESHSCOPE_GENERATOR_CONFIG).")
    Path config;

    @Option(names = "--services", defaultValue = "${env:MESHSCOPE_SERVICES}",
        description = "The mesh's services for the payoff report, as `kubectl get services -A -o json` prints them "
            + "(MESHSCOPE_SERVICES). Without it only services seen in the logs are counted: a lower bound.")
    Path services;

    @Option(names = "--quiet-period", description = "Overrides the config: a graph unchanged this long is stable "
        + "(e.g. 30s, 2h; default " + EmitTimings.DEFAULT_QUIET_PERIOD_TEXT + ").")
    String quietPeriod;

    @Option(names = "--debounce", description = "Overrides the config: wait this long after a change "
        + "(e.g. 5s; default " + EmitTimings.DEFAULT_DEBOUNCE_TEXT + ").")
    String debounce;

    @Option(names = "--kafka-property", paramLabel = "KEY=VALUE",
        description = "Extra Kafka client setting for the generator's consumer and producer, repeatable "
            + "(e.g. security.protocol=SSL).")
    Map<String, String> kafka = new HashMap<>();

    GeneratorOptions options(String bootstrap) {
      GeneratorOptions o = GeneratorOptions.defaults(bootstrap, out).withConfigFile(config).withServicesFile(services)
          .withKafkaProperties(kafka);
      if (quietPeriod != null || debounce != null) {
        var defaults = EmitTimings.defaults();
        o = o.withTimings(
            quietPeriod == null ? defaults.quietPeriod() : Durations.require(quietPeriod, "--quiet-period"),
            debounce == null ? defaults.debounce() : Durations.require(debounce, "--debounce"));
      }
      return o;
    }
  }
}
