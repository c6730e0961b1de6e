package io.meshscope.receiver;

import io.meshscope.kit.SettingsReader;
import io.meshscope.schemas.SpiffeId;
import io.meshscope.schemas.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Every setting of the receiver, typed and validated once. Built from a map of
 * {@code name -> value} (flags and environment), so tests pass {@code Map.of(...)}.
 *
 * @param bootstrapServers Kafka to produce to
 * @param topic the access-log topic
 * @param grpcPort the ALS port Envoy connects to (0 = any free port)
 * @param metricsPort the Prometheus port (0 = any free port, -1 = none)
 * @param maxMessageBytes largest StreamAccessLogsMessage accepted; larger ones close their stream
 * @param maxInflightRecords records taken from Envoy but not yet acknowledged by Kafka; past it, streams pause
 * @param flowControlWindowBytes HTTP/2 flow-control window per stream: what a paused stream may still buffer
 * @param drainSeconds how long shutdown waits for open streams to finish
 * @param maxStreamsPerClient streams one client (its authenticated identity, else its IP) may keep open
 * @param messageTimeoutSeconds how long a message may take to arrive once its first bytes came, while the
 *     receiver is ready to read it; past it, its stream is closed (a slow-drip client holds memory)
 * @param tlsCert server certificate chain (PEM); with tlsKey, turns TLS on
 * @param tlsKey server private key (PEM)
 * @param tlsClientCa CA bundle (PEM) that client certificates must chain to; turns mTLS on, and with
 *     it the check of each stream's identity against its certificate's SPIFFE ID
 * @param trustDomains SPIFFE trust domains whose certificates may vouch for a stream's identity
 * @param behindSidecar the receiver runs behind its own Istio sidecar, which ends mTLS and forwards
 *     the caller's identity in {@code x-forwarded-client-cert}: that header is then read and checked.
 *     Without a sidecar anyone could send the header, so it is read only when this is set
 * @param producer extra Kafka producer settings ({@code producer.*} keys, prefix removed)
 */
public record ReceiverConfig(
    String bootstrapServers,
    String topic,
    int grpcPort,
    int metricsPort,
    int maxMessageBytes,
    long maxInflightRecords,
    int flowControlWindowBytes,
    int drainSeconds,
    int messageTimeoutSeconds,
    int maxStreamsPerClient,
    Optional<Path> tlsCert,
    Optional<Path> tlsKey,
    Optional<Path> tlsClientCa,
    Set<String> trustDomains,
    boolean behindSidecar,
    Map<String, String> producer) {

  // Each default is written here only: fromMap reads them, and the launcher's flags show them in --help.
  public static final String DEFAULT_TOPIC = Topics.ACCESS_LOGS;
  public static final int DEFAULT_GRPC_PORT = 9001;
  public static final int DEFAULT_METRICS_PORT = 9102;
  /**
   * Envoy's ALS flushes at 16 KiB by default ({@code buffer_size_bytes}): this leaves 16 times that,
   * and equals the flow-control window, so a message dripped and never finished holds no more than a
   * stream the receiver paused (docs/reliability.md, "Resource attacks").
   */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 256 * 1024;
  public static final int DEFAULT_MAX_INFLIGHT_RECORDS = 20_000;
  public static final int DEFAULT_FLOW_CONTROL_WINDOW_BYTES = 256 * 1024;
  public static final int DEFAULT_DRAIN_SECONDS = 10;
  public static final int DEFAULT_MESSAGE_TIMEOUT_SECONDS = 10;
  /** Envoy keeps one ALS stream per worker thread and log: a gateway on a 96-core node with two logs, 192. */
  public static final int DEFAULT_MAX_STREAMS_PER_CLIENT = 256;
  public static final String DEFAULT_TRUST_DOMAINS = "cluster.local";

  public ReceiverConfig {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new IllegalArgumentException("bootstrap.servers is required");
    }
    checkPort("grpc.port", grpcPort, 0);
    checkPort("metrics.port", metricsPort, -1);
    if (maxMessageBytes < 1024) {
      throw new IllegalArgumentException("max.message.bytes must be at least 1024, was " + maxMessageBytes);
    }
    if (flowControlWindowBytes < 65_535) {
      throw new IllegalArgumentException("flow.control.window.bytes must be at least 65535 (HTTP/2's initial window), was "
          + flowControlWindowBytes);
    }
    if (maxStreamsPerClient < 1) {
      throw new IllegalArgumentException("max.streams.per.client must be at least 1, was " + maxStreamsPerClient);
    }
    if (messageTimeoutSeconds < 1) {
      throw new IllegalArgumentException("message.timeout.seconds must be at least 1, was " + messageTimeoutSeconds);
    }
    if (maxInflightRecords < 1) {
      throw new IllegalArgumentException("max.inflight.records must be at least 1, was " + maxInflightRecords);
    }
    if (tlsCert.isPresent() != tlsKey.isPresent()) {
      throw new IllegalArgumentException("tls.cert and tls.key go together: set both or neither");
    }
    if (tlsClientCa.isPresent() && tlsCert.isEmpty()) {
      throw new IllegalArgumentException("tls.client.ca (mTLS) needs tls.cert and tls.key");
    }
    for (Optional<Path> p : List.of(tlsCert, tlsKey, tlsClientCa)) {
      if (p.isPresent() && !Files.isReadable(p.get())) {
        throw new IllegalArgumentException("cannot read " + p.get());
      }
    }
    trustDomains = Set.copyOf(trustDomains);
    if (trustDomains.isEmpty() || trustDomains.stream().anyMatch(d -> SpiffeId.parse(
        "spiffe://" + d + "/ns/a/sa/a") == null)) {
      throw new IllegalArgumentException("trust.domains must name at least one trust domain (lower-case letters, "
          + "digits, '-', '.', '_'), was " + trustDomains);
    }
    producer = Map.copyOf(producer);
  }

  /** Whether each stream's identity is checked against the identity its transport authenticated. */
  public boolean bindsIdentity() {
    return behindSidecar || tlsClientCa.isPresent();
  }

  private static void checkPort(String name, int port, int min) {
    if (port < min || port > 65_535) {
      throw new IllegalArgumentException(name + " must be between " + min + " and 65535, was " + port);
    }
  }

  /** Reads settings by name; unknown names are an error, so a typo does not go unnoticed. */
  public static ReceiverConfig fromMap(Map<String, String> settings) {
    SettingsReader s = new SettingsReader(settings);
    Map<String, String> producer = s.prefixed("producer.");
    ReceiverConfig c = new ReceiverConfig(
        s.text("bootstrap.servers"),
        s.text("topic", DEFAULT_TOPIC),
        s.integer("grpc.port", DEFAULT_GRPC_PORT),
        s.integer("metrics.port", DEFAULT_METRICS_PORT),
        s.integer("max.message.bytes", DEFAULT_MAX_MESSAGE_BYTES),
        s.integer("max.inflight.records", DEFAULT_MAX_INFLIGHT_RECORDS),
        s.integer("flow.control.window.bytes", DEFAULT_FLOW_CONTROL_WINDOW_BYTES),
        s.integer("drain.seconds", DEFAULT_DRAIN_SECONDS),
        s.integer("message.timeout.seconds", DEFAULT_MESSAGE_TIMEOUT_SECONDS),
        s.integer("max.streams.per.client", DEFAULT_MAX_STREAMS_PER_CLIENT),
        Optional.ofNullable(s.text("tls.cert")).map(Path::of),
        Optional.ofNullable(s.text("tls.key")).map(Path::of),
        Optional.ofNullable(s.text("tls.client.ca")).map(Path::of),
        trustDomains(s.text("trust.domains", DEFAULT_TRUST_DOMAINS)),
        bool("behind.sidecar", s.text("behind.sidecar", "false")),
        producer);
    s.requireAllRead("receiver");
    return c;
  }

  /** Every default, plaintext, on the given ports. */
  public static ReceiverConfig defaults(String bootstrapServers, int grpcPort, int metricsPort) {
    return new ReceiverConfig(bootstrapServers, DEFAULT_TOPIC, grpcPort, metricsPort, DEFAULT_MAX_MESSAGE_BYTES,
        DEFAULT_MAX_INFLIGHT_RECORDS, DEFAULT_FLOW_CONTROL_WINDOW_BYTES, DEFAULT_DRAIN_SECONDS,
        DEFAULT_MESSAGE_TIMEOUT_SECONDS, DEFAULT_MAX_STREAMS_PER_CLIENT, Optional.empty(),
        Optional.empty(), Optional.empty(), trustDomains(DEFAULT_TRUST_DOMAINS), false, Map.of());
  }

  private static boolean bool(String name, String value) {
    if (!value.equals("true") && !value.equals("false")) {
      throw new IllegalArgumentException(name + " must be true or false, was '" + value + "'");
    }
    return value.equals("true");
  }

  /** A comma-separated list, as flags and environment variables give it. */
  public static Set<String> trustDomains(String list) {
    Set<String> out = new TreeSet<>();
    for (String d : list.split(",")) {
      if (!d.isBlank()) {
        out.add(d.trim());
      }
    }
    return out;
  }

  /** One line for the start-up log. */
  public String describe() {
    return "bootstrap.servers=" + bootstrapServers + " topic=" + topic + " grpc.port=" + grpcPort
        + " metrics.port=" + metricsPort + " max.message.bytes=" + maxMessageBytes
        + " max.inflight.records=" + maxInflightRecords + " flow.control.window.bytes=" + flowControlWindowBytes
        + " message.timeout.seconds=" + messageTimeoutSeconds + " max.streams.per.client=" + maxStreamsPerClient
        + " tls=" + (tlsCert.isPresent()
        ? (tlsClientCa.isPresent() ? "mtls" : "tls") : "off") + " identity.binding="
        + (behindSidecar ? "x-forwarded-client-cert" : tlsClientCa.isPresent() ? "client-certificate" : "off")
        + " trust.domains=" + new TreeSet<>(trustDomains) + " producer=" + new TreeMap<>(producer);
  }
}
