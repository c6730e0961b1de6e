package io.meshscope.schemas;

/**
 * How much configuration the workload's proxy receives without the Sidecar (every service the mesh
 * has) and with it.
 */
public record WhatIf(int servicesWithout, int servicesWith, double reductionPercent) {
  public WhatIf {
    if (servicesWithout < 0 || servicesWith < 0) {
      throw new IllegalArgumentException("service counts must not be negative");
    }
  }
}
