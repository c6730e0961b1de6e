package io.meshscope.analyzer;

import io.meshscope.analyzer.streams.AnalyzerSettings;
import io.meshscope.kit.SettingsReader;
import io.meshscope.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Every setting of the analyzer, typed and validated once, built from {@code name -> value}.
 *
 * @param httpPort port of the graph query endpoint (0 = any free port, -1 = none)
 * @param advertisedHost how other analyzer instances reach this one's HTTP port
 * @param streams extra Kafka Streams settings ({@code streams.*} keys, prefix removed)
 */
public record AnalyzerConfig(
    String bootstrapServers,
    Path stateDir,
    int httpPort,
    String advertisedHost,
    AnalyzerSettings settings,
    Map<String, String> streams) {

  // Each default is written here only: fromMap reads them, and the launcher's flags show them in --help.
  public static final String DEFAULT_STATE_DIR = ".meshscope/analyzer-state";
  public static final int DEFAULT_HTTP_PORT = 8080;
  public static final String DEFAULT_ADVERTISED_HOST = "127.0.0.1";

  public AnalyzerConfig {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new IllegalArgumentException("bootstrap.servers is required");
    }
    if (httpPort < -1 || httpPort > 65_535) {
      throw new IllegalArgumentException("http.port must be between -1 and 65535, was " + httpPort);
    }
    streams = Map.copyOf(streams);
  }

  public static AnalyzerConfig fromMap(Map<String, String> settings) {
    SettingsReader s = new SettingsReader(settings);
    Map<String, String> streams = s.prefixed("streams.");
    AnalyzerSettings d = AnalyzerSettings.defaults();
    Duration ttl = s.duration("edge.ttl", d.edgeTtl());
    String proxies = s.text("egress.proxies");
    AnalyzerSettings topology = new AnalyzerSettings(
        s.text("access.log.topic", Topics.ACCESS_LOGS),
        s.text("graph.topic", Topics.DEPENDENCY_GRAPHS),
        s.text("directory.topic", AnalyzerSettings.DIRECTORY_TOPIC),
        s.text("dead.letter.topic", Topics.DEAD_LETTERS),
        s.text("mesh.domain", d.meshDomain()),
        proxies == null ? d.egressProxies() : AnalyzerSettings.workloads(proxies),
        ttl,
        s.duration("aging.interval", AnalyzerSettings.agingIntervalFor(ttl)),
        d.limits());
    AnalyzerConfig c = new AnalyzerConfig(
        s.text("bootstrap.servers"),
        Path.of(s.text("state.dir", DEFAULT_STATE_DIR)),
        s.integer("http.port", DEFAULT_HTTP_PORT),
        s.text("advertised.host", DEFAULT_ADVERTISED_HOST),
        topology,
        streams);
    s.requireAllRead("analyzer");
    return c;
  }

  /** Every default, with the state in {@code stateDir} and graph queries on {@code httpPort}. */
  public static AnalyzerConfig defaults(String bootstrapServers, Path stateDir, int httpPort) {
    return new AnalyzerConfig(bootstrapServers, stateDir, httpPort, DEFAULT_ADVERTISED_HOST,
        AnalyzerSettings.defaults(), Map.of());
  }

  public AnalyzerConfig withSettings(AnalyzerSettings other) {
    return new AnalyzerConfig(bootstrapServers, stateDir, httpPort, advertisedHost, other, streams);
  }

  /** With one more Kafka Streams setting (its own name, without the {@code streams.} prefix). */
  public AnalyzerConfig withStreamsProperty(String name, String value) {
    Map<String, String> more = new TreeMap<>(streams);
    more.put(name, value);
    return new AnalyzerConfig(bootstrapServers, stateDir, httpPort, advertisedHost, settings, more);
  }

  public String describe() {
    AnalyzerSettings t = settings;
    return "bootstrap.servers=" + bootstrapServers + " state.dir=" + stateDir + " http.port=" + httpPort
        + " topics=" + t.accessLogTopic() + "->" + t.graphTopic() + " edge.ttl=" + t.edgeTtl() + " aging.interval="
        + t.agingInterval() + " egress.proxies=" + new TreeSet<>(t.egressProxies()) + " mesh.domain="
        + t.meshDomain() + " streams=" + new TreeMap<>(streams);
  }
}
