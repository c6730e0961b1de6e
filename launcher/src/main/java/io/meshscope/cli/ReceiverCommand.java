package io.meshscope.cli;

import io.meshscope.receiver.AlsReceiver;
import io.meshscope.receiver.ReceiverConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "receiver", mixinStandardHelpOptions = true,
    description = {"Runs the als-receiver: Envoy's Access Log Service (gRPC) into Kafka.",
        "Every option can also be set by an environment variable, named in its description."})
final class ReceiverCommand implements Callable<Integer> {

  @Option(names = "--bootstrap-servers", required = true, defaultValue = "${env:MESHSCOPE_BOOTSTRAP_SERVERS}",
      description = "Kafka to produce to, host:port[,host:port] (MESHSCOPE_BOOTSTRAP_SERVERS).")
  String bootstrapServers;

  @Option(names = "--topic",
      defaultValue = "${env:MESHSCOPE_ACCESS_LOG_TOPIC:-" + ReceiverConfig.DEFAULT_TOPIC + "}",
      description = "Topic for access records (MESHSCOPE_ACCESS_LOG_TOPIC). Default: ${DEFAULT-VALUE}.")
  String topic;

  @Option(names = "--grpc-port",
      defaultValue = "${env:MESHSCOPE_GRPC_PORT:-" + ReceiverConfig.DEFAULT_GRPC_PORT + "}",
      description = "Port Envoy streams access logs to (MESHSCOPE_GRPC_PORT). Default: ${DEFAULT-VALUE}.")
  int grpcPort;

  @Option(names = "--metrics-port",
      defaultValue = "${env:MESHSCOPE_METRICS_PORT:-" + ReceiverConfig.DEFAULT_METRICS_PORT + "}",
      description = "Prometheus metrics port, -1 for none (MESHSCOPE_METRICS_PORT). Default: ${DEFAULT-VALUE}.")
  int metricsPort;

  @Option(names = "--max-message-bytes",
      defaultValue = "${env:MESHSCOPE_MAX_MESSAGE_BYTES:-" + ReceiverConfig.DEFAULT_MAX_MESSAGE_BYTES + "}",
      description = "Largest ALS message accepted; a larger one closes its stream (MESHSCOPE_MAX_MESSAGE_BYTES)."
          + " Default: ${DEFAULT-VALUE}.")
  int maxMessageBytes;

  @Option(names = "--max-inflight-records",
      defaultValue = "${env:MESHSCOPE_MAX_INFLIGHT_RECORDS:-" + ReceiverConfig.DEFAULT_MAX_INFLIGHT_RECORDS + "}",
      description = "Records not yet acknowledged by Kafka before streams pause (MESHSCOPE_MAX_INFLIGHT_RECORDS)."
          + " Default: ${DEFAULT-VALUE}.")
  long maxInflight;

  @Option(names = "--flow-control-window",
      defaultValue = "${env:MESHSCOPE_FLOW_CONTROL_WINDOW:-" + ReceiverConfig.DEFAULT_FLOW_CONTROL_WINDOW_BYTES + "}",
      description = "HTTP/2 window per stream in bytes: what a paused stream may still buffer, so memory stays "
          + "bounded by streams x window (MESHSCOPE_FLOW_CONTROL_WINDOW). Default: ${DEFAULT-VALUE}.")
  int flowControlWindow;

  @Option(names = "--drain-seconds",
      defaultValue = "${env:MESHSCOPE_DRAIN_SECONDS:-" + ReceiverConfig.DEFAULT_DRAIN_SECONDS + "}",
      description = "On shutdown, how long open streams may finish (MESHSCOPE_DRAIN_SECONDS). Default: ${DEFAULT-VALUE}.")
  int drainSeconds;

  @Option(names = "--message-timeout-seconds",
      defaultValue = "${env:MESHSCOPE_MESSAGE_TIMEOUT_SECONDS:-" + ReceiverConfig.DEFAULT_MESSAGE_TIMEOUT_SECONDS + "}",
      description = "How long a message may take to arrive once it started, while the receiver is ready for it; "
          + "past it the stream is closed (slow-drip clients) (MESHSCOPE_MESSAGE_TIMEOUT_SECONDS). "
          + "Default: ${DEFAULT-VALUE}.")
  int messageTimeoutSeconds;

  @Option(names = "--max-streams-per-client",
      defaultValue = "${env:MESHSCOPE_MAX_STREAMS_PER_CLIENT:-" + ReceiverConfig.DEFAULT_MAX_STREAMS_PER_CLIENT + "}",
      description = "Streams one client (its authenticated SPIFFE ID, else its IP) may keep open; more are refused "
          + "(MESHSCOPE_MAX_STREAMS_PER_CLIENT). Default: ${DEFAULT-VALUE}.")
  int maxStreamsPerClient;

  @Option(names = "--tls-cert", defaultValue = "${env:MESHSCOPE_TLS_CERT}",
      description = "Server certificate chain, PEM; with --tls-key turns TLS on (MESHSCOPE_TLS_CERT).")
  Path tlsCert;

  @Option(names = "--tls-key", defaultValue = "${env:MESHSCOPE_TLS_KEY}",
      description = "Server private key, PEM (MESHSCOPE_TLS_KEY).")
  Path tlsKey;

  @Option(names = "--tls-client-ca", defaultValue = "${env:MESHSCOPE_TLS_CLIENT_CA}",
      description = "CA bundle client certificates must chain to; turns mTLS on (MESHSCOPE_TLS_CLIENT_CA).")
  Path tlsClientCa;

  @Option(names = "--trust-domains",
      defaultValue = "${env:MESHSCOPE_TRUST_DOMAINS:-" + ReceiverConfig.DEFAULT_TRUST_DOMAINS + "}",
      description = "SPIFFE trust domains, comma-separated, whose certificates may vouch for a stream's identity "
          + "under mTLS or --behind-sidecar (MESHSCOPE_TRUST_DOMAINS). Default: ${DEFAULT-VALUE}.")
  String trustDomains;

  @Option(names = "--behind-sidecar",
      defaultValue = "${env:MESHSCOPE_BEHIND_SIDECAR:-false}", fallbackValue = "true", arity = "0..1",
      description = "The receiver runs behind its own Istio sidecar: check each stream's identity against the "
          + "caller's SPIFFE ID in x-forwarded-client-cert. Only with a sidecar in front: without one anyone can "
          + "send that header (MESHSCOPE_BEHIND_SIDECAR). Default: ${DEFAULT-VALUE}.")
  boolean behindSidecar;

  @Option(names = "--producer-property", paramLabel = "KEY=VALUE",
      description = "Extra Kafka producer setting, repeatable (e.g. compression.type=zstd).")
  Map<String, String> producer = new HashMap<>();

  @Override
  public Integer call() throws Exception {
    AlsReceiver receiver = AlsReceiver.start(config());
    Runtime.getRuntime().addShutdownHook(new Thread(receiver::close, "meshscope-shutdown"));
    receiver.blockUntilShutdown();
    return 0;
  }

  ReceiverConfig config() {
    return new ReceiverConfig(bootstrapServers, topic, grpcPort, metricsPort, maxMessageBytes, maxInflight,
        flowControlWindow, drainSeconds, messageTimeoutSeconds, maxStreamsPerClient, Optional.ofNullable(tlsCert), Optional.ofNullable(tlsKey),
        Optional.ofNullable(tlsClientCa), ReceiverConfig.trustDomains(trustDomains), behindSidecar, producer);
  }
}
