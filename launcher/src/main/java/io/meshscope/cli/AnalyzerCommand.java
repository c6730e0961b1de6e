package io.meshscope.cli;

import io.meshscope.analyzer.Analyzer;
import io.meshscope.analyzer.AnalyzerConfig;
import io.meshscope.analyzer.streams.AnalyzerSettings;
import io.meshscope.analyzer.streams.StreamsProperties;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.streams.StreamsConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "analyzer", mixinStandardHelpOptions = true,
    description = {"Runs the analyzer: Kafka Streams from access records to dependency graphs.",
        "Scale out by starting more instances with the same --application-id; Kafka Streams shares the partitions."})
final class AnalyzerCommand implements Callable<Integer> {

  @Option(names = "--bootstrap-servers", required = true, defaultValue = "${env:MESHSCOPE_BOOTSTRAP_SERVERS}",
      description = "Kafka, host:port[,host:port] (MESHSCOPE_BOOTSTRAP_SERVERS).")
  String bootstrapServers;

  @Option(names = "--state-dir",
      defaultValue = "${env:MESHSCOPE_STATE_DIR:-" + AnalyzerConfig.DEFAULT_STATE_DIR + "}",
      description = "Local state (RocksDB), rebuilt from Kafka when lost (MESHSCOPE_STATE_DIR). Default: ${DEFAULT-VALUE}.")
  Path stateDir;

  @Option(names = "--http-port",
      defaultValue = "${env:MESHSCOPE_HTTP_PORT:-" + AnalyzerConfig.DEFAULT_HTTP_PORT + "}",
      description = "Graph queries: /graphs, /graphs/{ns}/{name}, /graph.dot, /graph.mmd; -1 for none "
          + "(MESHSCOPE_HTTP_PORT). Default: ${DEFAULT-VALUE}.")
  int httpPort;

  @Option(names = "--advertised-host",
      defaultValue = "${env:MESHSCOPE_ADVERTISED_HOST:-" + AnalyzerConfig.DEFAULT_ADVERTISED_HOST + "}",
      description = "How other instances reach this one's HTTP port (MESHSCOPE_ADVERTISED_HOST). Default: ${DEFAULT-VALUE}.")
  String advertisedHost;

  @Option(names = "--edge-ttl",
      defaultValue = "${env:MESHSCOPE_EDGE_TTL:-" + AnalyzerSettings.DEFAULT_EDGE_TTL + "}",
      converter = DurationConverter.class,
      description = "An edge unseen this long (event time) is removed: 7d, 12h, P7D (MESHSCOPE_EDGE_TTL). "
          + "Default: ${DEFAULT-VALUE}.")
  Duration edgeTtl;

  @Option(names = "--egress-proxies",
      defaultValue = "${env:MESHSCOPE_EGRESS_PROXIES:-" + AnalyzerSettings.DEFAULT_EGRESS_PROXIES + "}",
      description = "Workloads (ns/name, comma-separated) that are the mesh's fallback egress proxy: their traffic is "
          + "learned for their callers (MESHSCOPE_EGRESS_PROXIES). Default: ${DEFAULT-VALUE}.")
  String egressProxies;

  @Option(names = "--mesh-domain",
      defaultValue = "${env:MESHSCOPE_MESH_DOMAIN:-" + AnalyzerSettings.DEFAULT_MESH_DOMAIN + "}",
      description = "The cluster's DNS domain (MESHSCOPE_MESH_DOMAIN). Default: ${DEFAULT-VALUE}.")
  String meshDomain;

  @Option(names = "--application-id",
      defaultValue = "${env:MESHSCOPE_APPLICATION_ID:-" + StreamsProperties.APPLICATION_ID + "}",
      description = "Kafka Streams application id, shared by the instances of one analyzer. Default: ${DEFAULT-VALUE}.")
  String applicationId;

  @Option(names = "--streams-property", paramLabel = "KEY=VALUE",
      description = "Extra Kafka Streams setting, repeatable (e.g. num.stream.threads=2).")
  Map<String, String> streams = new HashMap<>();

  @Override
  public Integer call() throws Exception {
    Analyzer analyzer = Analyzer.start(config());
    Runtime.getRuntime().addShutdownHook(new Thread(analyzer::close, "meshscope-shutdown"));
    analyzer.awaitStop();
    return 0;
  }

  AnalyzerConfig config() {
    AnalyzerSettings settings = AnalyzerSettings.defaults()
        .withTtl(edgeTtl, AnalyzerSettings.agingIntervalFor(edgeTtl))
        .withEgressProxies(AnalyzerSettings.workloads(egressProxies))
        .withMeshDomain(meshDomain);
    Map<String, String> streamsSettings = new HashMap<>(streams);
    streamsSettings.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    return new AnalyzerConfig(bootstrapServers, stateDir, httpPort, advertisedHost, settings, streamsSettings);
  }
}
