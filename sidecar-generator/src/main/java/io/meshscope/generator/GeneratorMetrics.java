package io.meshscope.generator;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.meshscope.generator.domain.FallbackStatus;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How the generator's files keep up with its topic: failed writes, and files behind the topic now.
 * Counted also without a registry, for tests and the embedded pipeline.
 */
final class GeneratorMetrics {

  private final Counter fileErrors;
  private final Gauge unwritten;
  private final Gauge unbacked;
  private final Gauge throughFallback;
  private final AtomicLong fileErrorCount = new AtomicLong();
  private volatile int unwrittenNow;

  /** @param registry where the metrics go; null for none */
  GeneratorMetrics(PrometheusRegistry registry) {
    if (registry == null) {
      fileErrors = null;
      unwritten = null;
      unbacked = null;
      throughFallback = null;
      return;
    }
    fileErrors = Counter.builder().name("meshscope_generator_file_write_errors_total")
        .help("Writes of Sidecar or report files that failed (a full or read-only disk); each is retried")
        .labelNames("file").register(registry);
    unwritten = Gauge.builder().name("meshscope_generator_files_behind_topic")
        .help("Workloads whose Sidecar files could not be written yet, though their record is on the topic")
        .register(registry);
    unbacked = Gauge.builder().name("meshscope_generator_files_not_on_topic")
        .help("Sidecar files found at start that no record on the topic backs (left as they are)")
        .register(registry);
    throughFallback = Gauge.builder().name("meshscope_generator_hosts_still_through_fallback")
        .help("Hosts an adaptive Sidecar lists that calls still reach through the fallback egress proxy after it was"
            + " published: not applied yet, or not routable (see fallback-status.md)")
        .labelNames("workload").register(registry);
  }

  void throughFallback(List<FallbackStatus> statuses) {
    if (throughFallback != null) {
      // Workloads no longer adaptive must not keep their last value.
      throughFallback.clear();
      for (FallbackStatus s : statuses) {
        throughFallback.labelValues(s.workload()).set(s.stillThroughFallback().size());
      }
    }
  }

  void fileError(String file) {
    fileErrorCount.incrementAndGet();
    if (fileErrors != null) {
      fileErrors.labelValues(file).inc();
    }
  }

  void unwritten(int n) {
    unwrittenNow = n;
    if (unwritten != null) {
      unwritten.set(n);
    }
  }

  void unbacked(int n) {
    if (unbacked != null) {
      unbacked.set(n);
    }
  }

  long fileErrors() {
    return fileErrorCount.get();
  }

  int unwrittenNow() {
    return unwrittenNow;
  }
}
