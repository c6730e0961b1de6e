package io.meshscope.analyzer.streams;

import io.meshscope.analyzer.domain.GraphMerge;
import io.meshscope.kit.Durations;
import io.meshscope.schemas.Hosts;
import io.meshscope.schemas.Topics;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

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
  public static final String PENDING_STORE = "pending-callers";
  public static final String DIRECTORY_TOPIC = "meshscope.workload-directory";

  // Each default is written here only: AnalyzerConfig reads them, and the launcher's flags show them in --help.
  public static final String DEFAULT_MESH_DOMAIN = Hosts.DEFAULT_MESH_DOMAIN;
  public static final String DEFAULT_EGRESS_PROXIES = "istio-system/istio-axds-egressgateway";
  public static final String DEFAULT_EDGE_TTL = "7d";

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
    Duration ttl = Durations.require(DEFAULT_EDGE_TTL, "edge TTL");
    return new AnalyzerSettings(Topics.ACCESS_LOGS, Topics.DEPENDENCY_GRAPHS, DIRECTORY_TOPIC, Topics.DEAD_LETTERS,
        DEFAULT_MESH_DOMAIN, workloads(DEFAULT_EGRESS_PROXIES), ttl, agingIntervalFor(ttl), GraphMerge.Limits.DEFAULT);
  }

  /**
   * Aging looks at every graph once per interval of event time: about 168 times per TTL (hourly for
   * the default 7 days), never more than once a second.
   */
  public static Duration agingIntervalFor(Duration ttl) {
    Duration interval = ttl.dividedBy(168);
    return interval.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : interval;
  }

  /** Workloads written {@code ns/name,ns/name}; blanks are ignored, so an empty text is no workload. */
  public static Set<String> workloads(String commaSeparated) {
    return Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(x -> !x.isEmpty())
        .collect(Collectors.toUnmodifiableSet());
  }

  public AnalyzerSettings withMeshDomain(String domain) {
    return new AnalyzerSettings(accessLogTopic, graphTopic, directoryTopic, deadLetterTopic, domain, egressProxies,
        edgeTtl, agingInterval, limits);
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
