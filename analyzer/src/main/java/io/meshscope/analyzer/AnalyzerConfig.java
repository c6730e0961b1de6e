package io.meshscope.analyzer;

import io.meshscope.analyzer.streams.AnalyzerSettings;
import io.meshscope.schemas.SettingsReader;
import io.meshscope.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

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
    // Aging looks at every graph once per interval of event time: about 168 times per TTL (hourly
    // for 7 days), never more than once a second.
    Duration interval = ttl.dividedBy(168).compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1)
        : ttl.dividedBy(168);
    AnalyzerSettings topology = new AnalyzerSettings(
        s.text("access.log.topic", Topics.ACCESS_LOGS),
        s.text("graph.topic", Topics.DEPENDENCY_GRAPHS),
        s.text("directory.topic", AnalyzerSettings.DIRECTORY_TOPIC),
        s.text("dead.letter.topic", Topics.DEAD_LETTERS),
        s.text("mesh.domain", d.meshDomain()),
        list(s.text("egress.proxies"), d.egressProxies()),
        ttl,
        s.duration("aging.interval", interval),
        d.limits());
    AnalyzerConfig c = new AnalyzerConfig(
        s.text("bootstrap.servers"),
        Path.of(s.text("state.dir", ".meshscope/analyzer-state")),
        s.integer("http.port", 8080),
        s.text("advertised.host", "127.0.0.1"),
        topology,
        streams);
    s.requireAllRead("analyzer");
    return c;
  }

  private static Set<String> list(String v, Set<String> fallback) {
    if (v == null) {
      return fallback;
    }
    return Arrays.stream(v.split(",")).map(String::trim).filter(x -> !x.isEmpty()).collect(Collectors.toSet());
  }

  public String describe() {
    AnalyzerSettings t = settings;
    return "bootstrap.servers=" + bootstrapServers + " state.dir=" + stateDir + " http.port=" + httpPort
        + " topics=" + t.accessLogTopic() + "->" + t.graphTopic() + " edge.ttl=" + t.edgeTtl() + " aging.interval="
        + t.agingInterval() + " egress.proxies=" + new TreeSet<>(t.egressProxies()) + " mesh.domain="
        + t.meshDomain() + " streams=" + new TreeMap<>(streams);
  }
}
