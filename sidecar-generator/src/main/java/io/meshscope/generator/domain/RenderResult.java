package io.meshscope.generator.domain;

import io.meshscope.schemas.WorkloadRef;

/** What rendering one workload's graph gives: a Sidecar, or the reason why there is none. */
public sealed interface RenderResult permits RenderedSidecar, SkippedWorkload {

  WorkloadRef workload();

  long graphRevision();

  GeneratorMode mode();

  /** Where {@link #mode()} came from: the pods' label or annotation, the fallback itself, or the config. */
  String modeSource();

  /**
   * Equal for two results exactly when publishing the second would change nothing a reviewer or
   * the mesh sees: the Sidecar without its provenance annotations (which change with every graph
   * revision), or the skip reason.
   */
  String contentKey();
}
