package io.meshscope.generator.domain;

/** Why a Sidecar is published now; the label is {@code ChangeSummary.trigger}. */
public enum EmitTrigger {
  /** The workload's first Sidecar, after its graph was quiet for the quiet period. */
  FIRST("first"),
  /** Hosts were added (and perhaps removed), after the debounce. */
  CHANGE("change"),
  /** A call the current Sidecar blocks needs a host: published without waiting for the debounce. */
  URGENT("urgent"),
  /** Only hosts were removed, after the quiet period. */
  REMOVAL("removal");

  private final String label;

  EmitTrigger(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
