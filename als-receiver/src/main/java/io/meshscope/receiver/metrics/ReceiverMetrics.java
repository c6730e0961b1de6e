package io.meshscope.receiver.metrics;

import io.meshscope.receiver.domain.Rejection;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;

/** The receiver's Prometheus metrics, registered in one registry that the metrics port serves. */
public final class ReceiverMetrics {

  private final PrometheusRegistry registry;
  private final Counter received;
  private final Counter produced;
  private final Counter rejected;
  private final Counter producerErrors;
  private final Counter streams;
  private final Gauge openStreams;
  private final Gauge inflight;
  private final Histogram producerLatency;

  /** With the JVM's own metrics (heap, GC, threads) beside the receiver's. */
  public ReceiverMetrics() {
    this(new PrometheusRegistry());
    JvmMetrics.builder().register(registry);
  }

  public ReceiverMetrics(PrometheusRegistry registry) {
    this.registry = registry;
    received = Counter.builder().name("meshscope_receiver_entries_received")
        .help("Access-log entries received from Envoy, by protocol").labelNames("protocol").register(registry);
    produced = Counter.builder().name("meshscope_receiver_entries_produced")
        .help("Access records acknowledged by Kafka").register(registry);
    rejected = Counter.builder().name("meshscope_receiver_rejected")
        .help("Messages, identities or entry fields refused, by reason").labelNames("reason").register(registry);
    producerErrors = Counter.builder().name("meshscope_receiver_producer_errors")
        .help("Records Kafka finally failed to take (after the producer's retries)").register(registry);
    streams = Counter.builder().name("meshscope_receiver_streams")
        .help("ALS streams opened").register(registry);
    openStreams = Gauge.builder().name("meshscope_receiver_open_streams")
        .help("ALS streams open now").register(registry);
    inflight = Gauge.builder().name("meshscope_receiver_inflight_records")
        .help("Records handed to Kafka and not yet acknowledged").register(registry);
    producerLatency = Histogram.builder().name("meshscope_receiver_producer_latency_seconds")
        .help("Time from handing a record to the producer to Kafka's acknowledgement")
        .classicOnly().classicUpperBounds(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
        .register(registry);
    for (Rejection r : Rejection.values()) {
      rejected.labelValues(r.label()); // every reason shows, with 0, before it first happens
    }
    received.labelValues("HTTP");
    received.labelValues("TCP");
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  public void received(String protocol, int n) {
    received.labelValues(protocol).inc(n);
  }

  public void rejected(Rejection reason) {
    rejected.labelValues(reason.label()).inc();
  }

  public void rejected(List<Rejection> reasons) {
    for (Rejection r : reasons) {
      rejected(r);
    }
  }

  public double rejectedCount(Rejection reason) {
    return rejected.labelValues(reason.label()).get();
  }

  public double receivedCount(String protocol) {
    return received.labelValues(protocol).get();
  }

  public void produced(long latencyNanos) {
    produced.inc();
    producerLatency.observe(latencyNanos / 1e9);
  }

  public double producedCount() {
    return produced.get();
  }

  public void producerError() {
    producerErrors.inc();
  }

  public double producerErrorCount() {
    return producerErrors.get();
  }

  public void streamOpened() {
    streams.inc();
    openStreams.inc();
  }

  public void streamClosed() {
    openStreams.dec();
  }

  public double openStreams() {
    return openStreams.get();
  }

  public void inflight(long n) {
    inflight.set(n);
  }

  public double inflightRecords() {
    return inflight.get();
  }
}
