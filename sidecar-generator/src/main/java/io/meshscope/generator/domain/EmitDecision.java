package io.meshscope.generator.domain;

import io.meshscope.schemas.SafeText;
import io.meshscope.schemas.ChangeSummary;
import io.meshscope.schemas.SidecarRecommendation;
import io.meshscope.schemas.WorkloadRef;
import java.time.Instant;

/**
 * A workload's Sidecar (or the reason it has none) to publish now.
 *
 * @param result what to publish
 * @param summary against the previous emission; null for a skipped workload
 * @param decidedAt the {@code now} the policy decided at
 */
public record EmitDecision(
    WorkloadRef workload, EmitTrigger trigger, RenderResult result, ChangeSummary summary, Instant decidedAt) {

  public static final String EMITTED = "emitted";
  public static final String SKIPPED = "skipped";

  /** The value for {@code meshscope.sidecars}. */
  public SidecarRecommendation toRecommendation() {
    if (result instanceof RenderedSidecar sidecar) {
      return new SidecarRecommendation(SidecarRecommendation.CURRENT_VERSION, workload, EMITTED, null,
          sidecar.graphRevision(), decidedAt, sidecar.mode().label(), sidecar.yaml(), summary, sidecar.modeSource());
    }
    SkippedWorkload skipped = (SkippedWorkload) result;
    return new SidecarRecommendation(SidecarRecommendation.CURRENT_VERSION, workload, SKIPPED, skipped.reason(),
        skipped.graphRevision(), decidedAt, skipped.mode().label(), null, null, skipped.modeSource());
  }

  /** The reviewer's text: the change summary, or the skip reason. */
  public String summaryText() {
    return summaryText(toRecommendation());
  }

  /**
   * The reviewer's text of a published recommendation, as {@link #summaryText()} gave it when it
   * was decided: files can be made again from the topic alone.
   */
  public static String summaryText(SidecarRecommendation r) {
    if (SKIPPED.equals(r.status())) {
      return "Sidecar " + SafeText.escaped(r.workload().key()) + ": none (" + r.reason() + ")\n";
    }
    return ChangeSummaryText.render(r.workload(), r.summary(), r.mode(), r.modeSource());
  }
}
