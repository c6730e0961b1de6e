package io.meshscope.receiver;

import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.meshscope.receiver.domain.IdentityBinding;
import io.meshscope.receiver.grpc.AccessLogService;
import io.meshscope.receiver.grpc.StreamLimits;
import io.meshscope.receiver.grpc.InflightBudget;
import io.meshscope.receiver.metrics.ReceiverMetrics;
import io.meshscope.receiver.sink.KafkaRecordSink;
import io.meshscope.receiver.sink.RecordSink;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The als-receiver process: the ALS gRPC server (with the gRPC health service), the Kafka sink and
 * the metrics endpoint. Owns their lifecycle; {@link #close} drains streams, then flushes Kafka.
 */
public final class AlsReceiver implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(AlsReceiver.class);

  private final Server server;
  private final RecordSink sink;
  private final HealthStatusManager health;
  private final HTTPServer metricsServer;
  private final ReceiverMetrics metrics;
  private final int drainSeconds;
  private final ExecutorService workers;
  private volatile boolean closed;

  private final AccessLogService service;

  private AlsReceiver(Server server, RecordSink sink, HealthStatusManager health, HTTPServer metricsServer,
      ReceiverMetrics metrics, int drainSeconds, ExecutorService workers, AccessLogService service) {
    this.service = service;
    this.workers = workers;
    this.server = server;
    this.sink = sink;
    this.health = health;
    this.metricsServer = metricsServer;
    this.metrics = metrics;
    this.drainSeconds = drainSeconds;
  }

  /** Starts the receiver with Netty on {@code config.grpcPort()} and a Kafka sink. */
  public static AlsReceiver start(ReceiverConfig config) {
    log.info("als-receiver starting: {}", config.describe());
    ReceiverMetrics metrics = new ReceiverMetrics();
    RecordSink sink = new KafkaRecordSink(config.bootstrapServers(), config.topic(), config.producer(), metrics);
    try {
      // A fixed HTTP/2 window per stream (instead of gRPC's auto-tuned one, which grows to megabytes)
      // is what bounds memory: a paused stream holds at most this much, however fast Envoy sends.
      return start(config, NettyServerBuilder.forPort(config.grpcPort(), serverCredentials(config))
          .flowControlWindow(config.flowControlWindowBytes()), sink, metrics);
    } catch (RuntimeException e) {
      sink.close();
      throw e;
    }
  }

  /** Starts on a given server builder and sink: tests pass an in-process builder or a list sink. */
  public static AlsReceiver start(ReceiverConfig config, ServerBuilder<?> builder, RecordSink sink,
      ReceiverMetrics metrics) {
    AccessLogService service = new AccessLogService(sink, new InflightBudget(config.maxInflightRecords()), metrics,
        Clock.systemUTC(), peerIdentity(config), new StreamLimits(Duration.ofSeconds(config.messageTimeoutSeconds()),
        config.maxStreamsPerClient()));
    HealthStatusManager health = new HealthStatusManager();
    // As many workers as cores: the work is CPU-bound, and a thread per stream (gRPC's default
    // cached pool) makes hundreds of threads contend for the producer's partition locks.
    ExecutorService workers = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()),
        daemonThreads("als-worker"));
    Server server = builder
        .executor(workers)
        .maxInboundMessageSize(config.maxMessageBytes())
        .addStreamTracerFactory(service.streamTracer())
        .addService(service)
        .addService(health.getHealthService())
        .build();
    HTTPServer metricsServer = null;
    try {
      server.start();
      if (config.metricsPort() >= 0) {
        metricsServer = HTTPServer.builder().port(config.metricsPort()).registry(metrics.registry()).buildAndStart();
      }
    } catch (IOException e) {
      server.shutdownNow();
      throw new UncheckedIOException("cannot listen: " + e.getMessage(), e);
    }
    health.setStatus("", ServingStatus.SERVING);
    health.setStatus("envoy.service.accesslog.v3.AccessLogService", ServingStatus.SERVING);
    log.info("als-receiver listening for Envoy ALS on port {}{}", server.getPort(),
        metricsServer == null ? "" : ", metrics on port " + metricsServer.getPort());
    return new AlsReceiver(server, sink, health, metricsServer, metrics, config.drainSeconds(), workers, service);
  }

  /** Where each stream's authenticated identity comes from, when identities are bound at all. */
  private static AccessLogService.PeerIdentity peerIdentity(ReceiverConfig config) {
    if (!config.bindsIdentity()) {
      return AccessLogService.PeerIdentity.OFF;
    }
    return new AccessLogService.PeerIdentity(config.behindSidecar()
        ? AccessLogService.PeerIdentity.Source.FORWARDED_CLIENT_CERT
        : AccessLogService.PeerIdentity.Source.CLIENT_CERTIFICATE, new IdentityBinding(config.trustDomains()));
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** Plaintext, TLS, or mTLS when a client CA is configured. */
  public static ServerCredentials serverCredentials(ReceiverConfig config) {
    if (config.tlsCert().isEmpty()) {
      return InsecureServerCredentials.create();
    }
    try {
      TlsServerCredentials.Builder tls = TlsServerCredentials.newBuilder()
          .keyManager(config.tlsCert().get().toFile(), config.tlsKey().get().toFile());
      if (config.tlsClientCa().isPresent()) {
        tls.trustManager(config.tlsClientCa().get().toFile()).clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
      }
      return tls.build();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load TLS material: " + e.getMessage(), e);
    }
  }

  public int port() {
    return server.getPort();
  }

  public int metricsPort() {
    return metricsServer == null ? -1 : metricsServer.getPort();
  }

  public ReceiverMetrics metrics() {
    return metrics;
  }

  public void blockUntilShutdown() throws InterruptedException {
    server.awaitTermination();
  }

  /** Stops taking streams, lets open ones finish for the drain period, then flushes Kafka. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    health.enterTerminalState();
    server.shutdown();
    try {
      if (!server.awaitTermination(drainSeconds, TimeUnit.SECONDS)) {
        log.info("{} streams still open after {} s: cancelling them", (long) metrics.openStreams(), drainSeconds);
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.shutdownNow();
    }
    workers.shutdown();
    service.close();
    sink.flush();
    sink.close();
    if (metricsServer != null) {
      metricsServer.close();
    }
    // Read and produced side by side: after a drain they are equal, and an operator (or the fault
    // harness, docs/reliability.md) can see that nothing read was left behind.
    log.info("als-receiver stopped: {} entries read, {} produced, {} producer errors",
        (long) (metrics.receivedCount("HTTP") + metrics.receivedCount("TCP")), (long) metrics.producedCount(),
        (long) metrics.producerErrorCount());
  }
}
