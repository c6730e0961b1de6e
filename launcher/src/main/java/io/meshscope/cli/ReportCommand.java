package io.meshscope.cli;

import io.meshscope.generator.PayoffReporter;
import io.meshscope.generator.SidecarFiles;
import io.meshscope.generator.domain.GeneratorConfig;
import io.meshscope.generator.domain.payoff.MeshReportMarkdown;
import io.meshscope.kit.CompactedTopics;
import io.meshscope.schemas.DependencyGraph;
import io.meshscope.schemas.MeshReport;
import io.meshscope.schemas.SafeText;
import io.meshscope.schemas.SidecarRecommendation;
import io.meshscope.schemas.Topics;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "report", mixinStandardHelpOptions = true,
    description = {"Writes the mesh payoff report: what every proxy receives without and with its Sidecar,",
        "in clusters, endpoints and estimated memory, and discovery-scope advice (exportTo, discoverySelectors).",
        "Reads the current graphs and Sidecars from Kafka; needs no running stage. Writes <out>/mesh-report.md",
        "(for a pull request) and <out>/mesh-report.json (the same figures), and prints the headline."})
final class ReportCommand implements Callable<Integer> {

  @Option(names = "--bootstrap-servers", required = true, defaultValue = "${env:MESHSCOPE_BOOTSTRAP_SERVERS}",
      description = "Kafka, host:port[,host:port] (MESHSCOPE_BOOTSTRAP_SERVERS).")
  String bootstrapServers;

  @Option(names = "--out", defaultValue = "${env:MESHSCOPE_OUT:-sidecars}",
      description = "Where mesh-report.md and mesh-report.json go. Default: ${DEFAULT-VALUE}.")
  Path out;

  @Option(names = "--services", defaultValue = "${env:MESHSCOPE_SERVICES}",
      description = "The mesh's services, as `kubectl get services -A -o json` prints them (MESHSCOPE_SERVICES). "
          + "Without it only services seen in the logs are counted: a lower bound.")
  Path services;

  @Option(names = "--config", defaultValue = "${env:MESHSCOPE_GENERATOR_CONFIG}",
      description = "The generator's config, for its mesh domain (MESHSCOPE_GENERATOR_CONFIG).")
  Path config;

  @Option(names = "--graph-topic", defaultValue = Topics.DEPENDENCY_GRAPHS, description = "Default: ${DEFAULT-VALUE}.")
  String graphTopic;

  @Option(names = "--sidecar-topic", defaultValue = Topics.SIDECARS, description = "Default: ${DEFAULT-VALUE}.")
  String sidecarTopic;

  @Option(names = "--timeout", defaultValue = "60s", converter = DurationConverter.class,
      description = "Give up reading Kafka after this long. "
      + "Default: ${DEFAULT-VALUE}.")
  Duration timeout;

  @Option(names = "--kafka-property", paramLabel = "KEY=VALUE",
      description = "Extra Kafka client setting, repeatable (e.g. security.protocol=SSL).")
  Map<String, String> kafka = new HashMap<>();

  PrintStream console = System.out;
  Clock clock = Clock.systemUTC();

  @Override
  public Integer call() throws Exception {
    GeneratorConfig generator = GeneratorConfig.defaults();
    if (config != null) {
      try (Reader r = Files.newBufferedReader(config, StandardCharsets.UTF_8)) {
        generator = GeneratorConfig.fromYaml(r);
      }
    }
    PayoffReporter reporter = PayoffReporter.load(generator.renderer(), Optional.ofNullable(services));
    int[] unreadable = {0};
    Map<String, DependencyGraph> graphs = CompactedTopics.latest(bootstrapServers, kafka, graphTopic,
        Topics.dependencyGraphs().valueSerde().deserializer(), (key, e) -> warn(unreadable, graphTopic, key, e), timeout);
    Map<String, SidecarRecommendation> sidecars = CompactedTopics.latest(bootstrapServers, kafka, sidecarTopic,
        Topics.sidecars().valueSerde().deserializer(), (key, e) -> warn(unreadable, sidecarTopic, key, e), timeout);
    MeshReport report = reporter.report(graphs, sidecars, clock.instant());
    Path markdown = new SidecarFiles(out).writeReport(report);
    console.printf("%d graphs and %d Sidecar recommendations read%s.%n%s%s and %s written.%n", graphs.size(),
        sidecars.size(), unreadable[0] == 0 ? "" : " (" + unreadable[0] + " unreadable records left out, see above)",
        MeshReportMarkdown.headline(report), markdown, markdown.resolveSibling("mesh-report.json"));
    return 0;
  }

  private void warn(int[] count, String topic, String key, RuntimeException e) {
    count[0]++;
    System.err.printf("meshscope report: unreadable record for %s on %s, left out: %s%n", SafeText.quoted(key), topic,
        SafeText.escaped(String.valueOf(e.getMessage()), 200));
  }
}
