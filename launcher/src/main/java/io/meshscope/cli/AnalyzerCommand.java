package io.meshscope.cli;

import io.meshscope.analyzer.Analyzer;
import io.meshscope.analyzer.AnalyzerConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "analyzer", mixinStandardHelpOptions = true,
    description = {"Runs the analyzer: Kafka Streams from access records to dependency graphs.",
        "Scale out by starting more instances with the same --application-id; Kafka Streams shares the partitions."})
final class AnalyzerCommand implements Callable<Integer> {

  @Option(names = "--bootstrap-servers", required = true, defaultValue = "${env:MESHSCOPE_BOOTSTRAP_SERVERS}",
      description = "Kafka, host:port[,host:port] (MESHSCOPE_BOOTSTRAP_SERVERS).")
  String bootstrapServers;

  @Option(names = "--state-dir", defaultValue = "${env:MESHSCOPE_STATE_DIR:-.meshscope/analyzer-state}",
      description = "Local state (RocksDB), rebuilt from Kafka when lost (MESHSCOPE_STATE_DIR). Default: ${DEFAULT-VALUE}.")
  Path stateDir;

  @Option(names = "--http-port", defaultValue = "${env:MESHSCOPE_HTTP_PORT:-8080}",
      description = "Graph queries: /graphs, /graphs/{ns}/{name}, /graph.dot, /graph.mmd; -1 for none "
          + "(MESHSCOPE_HTTP_PORT). Default: ${DEFAULT-VALUE}.")
  int httpPort;

  @Option(names = "--advertised-host", defaultValue = "${env:MESHSCOPE_ADVERTISED_HOST:-127.0.0.1}",
      description = "How other instances reach this one's HTTP port (MESHSCOPE_ADVERTISED_HOST). Default: ${DEFAULT-VALUE}.")
  String advertisedHost;

  @Option(names = "--edge-ttl", defaultValue = "${env:MESHSCOPE_EDGE_TTL:-7d}",
      description = "An edge unseen this long (event time) is removed: 7d, 12h, P7D (MESHSCOPE_EDGE_TTL). "
          + "Default: ${DEFAULT-VALUE}.")
  String edgeTtl;

  @Option(names = "--egress-proxies", defaultValue = "${env:MESHSCOPE_EGRESS_PROXIES:-istio-system/istio-axds-egressgateway}",
      description = "Workloads (ns/name, comma-separated) that are the mesh's fallback egress proxy: their traffic is "
          + "learned for their callers (MESHSCOPE_EGRESS_PROXIES). Default: ${DEFAULT-VALUE}.")
  String egressProxies;

  @Option(names = "--mesh-domain", defaultValue = "${env:MESHSCOPE_MESH_DOMAIN:-cluster.local}",
      description = "The cluster's DNS domain (MESHSCOPE_MESH_DOMAIN). Default: ${DEFAULT-VALUE}.")
  String meshDomain;

  @Option(names = "--application-id", defaultValue = "${env:MESHSCOPE_APPLICATION_ID:-meshscope-analyzer}",
      description = "Kafka Streams application id, shared by the instances of one analyzer. Default: ${DEFAULT-VALUE}.")
  String applicationId;

  @Option(names = "--streams-property", paramLabel = "KEY=VALUE",
      description = "Extra Kafka Streams setting, repeatable (e.g. num.stream.threads=2).")
  Map<String, String> streams = new HashMap<>();

  @Override
  public Integer call() throws Exception {
    Analyzer analyzer = Analyzer.start(AnalyzerConfig.fromMap(settings(bootstrapServers)));
    Runtime.getRuntime().addShutdownHook(new Thread(analyzer::close, "meshscope-shutdown"));
    analyzer.awaitStop();
    return 0;
  }

  Map<String, String> settings(String bootstrap) {
    Map<String, String> s = new HashMap<>();
    s.put("bootstrap.servers", bootstrap);
    s.put("state.dir", stateDir.toString());
    s.put("http.port", String.valueOf(httpPort));
    s.put("advertised.host", advertisedHost);
    s.put("edge.ttl", edgeTtl);
    s.put("egress.proxies", egressProxies);
    s.put("mesh.domain", meshDomain);
    s.put("streams.application.id", applicationId);
    streams.forEach((k, v) -> s.put("streams." + k, v));
    return s;
  }
}
