package io.meshscope.analyzer.streams;

import io.meshscope.analyzer.domain.GraphMerge;
import io.meshscope.schemas.Topics;
import java.time.Duration;
import java.util.Set;

/**
 * What the topology needs to know; the process settings (Kafka, state directory, HTTP) live in
 * {@code AnalyzerConfig}.
 *
 * @param edgeTtl an edge unseen for this long (event time) is removed
 * @param agingInterval how often (stream time) every graph is checked for aged edges
 * @param egressProxies workloads ({@code ns/name}) that serve as the mesh's fallback egress proxy
 */
public record AnalyzerSettings(
    String accessLogTopic,
    String graphTopic,
    String directoryTopic,
    String deadLetterTopic,
    String meshDomain,
    Set<String> egressProxies,
    Duration edgeTtl,
    Duration agingInterval,
    GraphMerge.Limits limits) {

  public static final String GRAPH_STORE = "dependency-graphs-store";
  public static final String DIRECTORY_STORE = "workload-directory";
  public static final String ANNOUNCED_STORE = "announced-addresses";
  public static final String DIRECTORY_TOPIC = "meshscope.workload-directory";

  public AnalyzerSettings {
    egressProxies = Set.copyOf(egressProxies);
    if (edgeTtl.isNegative() || edgeTtl.isZero()) {
      throw new IllegalArgumentException("edge TTL must be positive, was " + edgeTtl);
    }
    if (agingInterval.isNegative() || agingInterval.isZero()) {
      throw new IllegalArgumentException("aging interval must be positive, was " + agingInterval);
    }
  }

  public static AnalyzerSettings defaults() {
    return new AnalyzerSettings(Topics.ACCESS_LOGS, Topics.DEPENDENCY_GRAPHS, DIRECTORY_TOPIC, Topics.DEAD_LETTERS,
        "cluster.local",
        Set.of("istio-system/istio-axds-egressgateway"), Duration.ofDays(7), Duration.ofHours(1),
        GraphMerge.Limits.DEFAULT);
  }

  public AnalyzerSettings withTtl(Duration ttl, Duration interval) {
    return new AnalyzerSettings(accessLogTopic, graphTopic, directoryTopic, deadLetterTopic, meshDomain, egressProxies,
        ttl, interval, limits);
  }

  public AnalyzerSettings withTopics(String accessLogs, String graphs, String directory, String deadLetters) {
    return new AnalyzerSettings(accessLogs, graphs, directory, deadLetters, meshDomain, egressProxies, edgeTtl,
        agingInterval, limits);
  }

  public AnalyzerSettings withEgressProxies(Set<String> proxies) {
    return new AnalyzerSettings(accessLogTopic, graphTopic, directoryTopic, deadLetterTopic, meshDomain, proxies,
        edgeTtl, agingInterval, limits);
  }
}
