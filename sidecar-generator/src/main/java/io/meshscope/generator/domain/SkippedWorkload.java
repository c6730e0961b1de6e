package io.meshscope.generator.domain;

import io.meshscope.schemas.WorkloadRef;

/**
 * A workload that gets no Sidecar, and why: a gateway, waypoint or ztunnel; no selector label; a name
 * or label Kubernetes would refuse.
 *
 * @param reason one line, safe to log and show
 */
public record SkippedWorkload(WorkloadRef workload, long graphRevision, GeneratorMode mode, String modeSource,
    String reason) implements RenderResult {

  @Override
  public String contentKey() {
    return "skipped: " + reason;
  }
}
