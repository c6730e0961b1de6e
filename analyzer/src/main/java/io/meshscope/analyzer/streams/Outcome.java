package io.meshscope.analyzer.streams;

import io.meshscope.analyzer.domain.Observation;
import io.meshscope.analyzer.domain.WorkloadAddress;
import io.meshscope.schemas.DependencyGraph;

/**
 * What reading one access record can send on, besides what it changes in the stores. Most records
 * send nothing: they only count in a graph that already has their edge.
 */
sealed interface Outcome {

  /** The record as it came, for the dead-letter topic; the reason is in the headers. */
  record DeadLetter(byte[] raw) implements Outcome {}

  /** An IP or namespace that an identity announced, for the directory topic. */
  record Announcement(WorkloadAddress address) implements Outcome {}

  /** A workload's graph to publish. */
  record Graph(DependencyGraph graph) implements Outcome {}

  /** An observation about a workload that another task keeps, for the repartition topic. */
  record Moved(Observation observation) implements Outcome {}
}
