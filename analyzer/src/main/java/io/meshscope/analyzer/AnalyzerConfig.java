package io.meshscope.analyzer;

import io.meshscope.analyzer.streams.AnalyzerSettings;
import io.meshscope.schemas.Durations;
import io.meshscope.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
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
    Map<String, String> s = new TreeMap<>(settings);
    Map<String, String> streams = new TreeMap<>();
    s.entrySet().removeIf(e -> {
      if (e.getKey().startsWith("streams.")) {
        streams.put(e.getKey().substring("streams.".length()), e.getValue());
        return true;
      }
      return false;
    });
    AnalyzerSettings d = AnalyzerSettings.defaults();
    Duration ttl = duration(s.remove("edge.ttl"), d.edgeTtl(), "edge.ttl");
    AnalyzerSettings topology = new AnalyzerSettings(
        or(s.remove("access.log.topic"), Topics.ACCESS_LOGS),
        or(s.remove("graph.topic"), Topics.DEPENDENCY_GRAPHS),
        or(s.remove("directory.topic"), AnalyzerSettings.DIRECTORY_TOPIC),
        or(s.remove("dead.letter.topic"), Topics.DEAD_LETTERS),
        or(s.remove("mesh.domain"), d.meshDomain()),
        list(s.remove("egress.proxies"), d.egressProxies()),
        ttl,
        duration(s.remove("aging.interval"), ttl.dividedBy(168).compareTo(Duration.ofSeconds(1)) < 0
            ? Duration.ofSeconds(1) : ttl.dividedBy(168), "aging.interval"),
        d.limits());
    AnalyzerConfig c = new AnalyzerConfig(
        s.remove("bootstrap.servers"),
        Path.of(or(s.remove("state.dir"), ".meshscope/analyzer-state")),
        integer(s.remove("http.port"), 8080, "http.port"),
        or(s.remove("advertised.host"), "127.0.0.1"),
        topology,
        streams);
    if (!s.isEmpty()) {
      throw new IllegalArgumentException("unknown analyzer settings: " + s.keySet());
    }
    return c;
  }

  /** A duration setting ({@link Durations}), or {@code fallback} when unset. */
  public static Duration duration(String v, Duration fallback, String name) {
    return v == null || v.isBlank() ? fallback : Durations.require(v, name);
  }

  private static String or(String v, String fallback) {
    return v == null || v.isBlank() ? fallback : v.trim();
  }

  private static Set<String> list(String v, Set<String> fallback) {
    if (v == null) {
      return fallback;
    }
    return Arrays.stream(v.split(",")).map(String::trim).filter(x -> !x.isEmpty()).collect(Collectors.toSet());
  }

  private static int integer(String v, int fallback, String name) {
    if (v == null || v.isBlank()) {
      return fallback;
    }
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number, was '" + v + "'");
    }
  }

  public String describe() {
    AnalyzerSettings t = settings;
    return "bootstrap.servers=" + bootstrapServers + " state.dir=" + stateDir + " http.port=" + httpPort
        + " topics=" + t.accessLogTopic() + "->" + t.graphTopic() + " edge.ttl=" + t.edgeTtl() + " aging.interval="
        + t.agingInterval() + " egress.proxies=" + new java.util.TreeSet<>(t.egressProxies()) + " mesh.domain="
        + t.meshDomain() + " streams=" + new TreeMap<>(streams);
  }
}
