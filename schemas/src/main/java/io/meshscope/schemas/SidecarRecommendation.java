package io.meshscope.schemas;

import java.time.Instant;

/**
 * A Sidecar for review: the value of the compacted {@code meshscope.sidecars}, keyed by
 * {@code namespace/name}. Schema: {@code meshscope/schemas/sidecar-recommendation.schema.json}.
 *
 * @param status {@code emitted}, or {@code skipped} with a {@code reason} (e.g. no selector label)
 * @param mode {@code recommend}, {@code adaptive} or, for a skipped workload, {@code off}
 * @param modeSource where the mode came from: the pods' {@code sidecar.meshscope.io/mode} label or
 *     annotation, the fallback proxy itself, or the generator's config
 * @param yaml the Sidecar resource; absent when skipped
 */
public record SidecarRecommendation(
    int schemaVersion,
    WorkloadRef workload,
    String status,
    String reason,
    long graphRevision,
    Instant generatedAt,
    String mode,
    String yaml,
    ChangeSummary summary,
    String modeSource) {

  public static final int CURRENT_VERSION = 1;

  /** A recommendation whose mode came from the generator's config. */
  public SidecarRecommendation(int schemaVersion, WorkloadRef workload, String status, String reason,
      long graphRevision, Instant generatedAt, String mode, String yaml, ChangeSummary summary) {
    this(schemaVersion, workload, status, reason, graphRevision, generatedAt, mode, yaml, summary, null);
  }

  public SidecarRecommendation {
    Collections2.requireVersion(schemaVersion, "SidecarRecommendation");
    Collections2.require(workload, "workload");
    Collections2.requireText(status, "status");
    Collections2.require(generatedAt, "generatedAt");
    Collections2.requireText(mode, "mode");
  }
}
