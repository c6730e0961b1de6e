package io.meshscope.analyzer.domain;

import io.meshscope.schemas.WorkloadRef;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The workload selector that selects every instance of a workload (docs/architecture.md,
 * "Identity"). Only a label that names workloads ({@link WorkloadRef#NAME_LABELS}) may select: a
 * label that every instance happens to share ({@code version: v1}, {@code security.istio.io/tlsMode})
 * may be on other workloads' pods too, and the Sidecar would reconfigure them. The first name label
 * that every instance carries with one value wins, in the labels' order of preference.
 */
public final class Selectors {
  private Selectors() {}

  /**
   * @param selector the selector, empty when none selects every instance; null when there are no
   *     instances to decide by
   * @param conflict why no selector selects every instance although some carry a name label; else null
   */
  public record Selection(Map<String, String> selector, String conflict) {}

  public static Selection of(Collection<GraphState.InstanceState> instances) {
    if (instances.isEmpty()) {
      return new Selection(null, null);
    }
    for (String label : WorkloadRef.NAME_LABELS) {
      String value = null;
      boolean everyInstance = true;
      for (GraphState.InstanceState i : instances) {
        String v = i.nameLabels().get(label);
        if (v == null || value != null && !value.equals(v)) {
          everyInstance = false;
          break;
        }
        value = v;
      }
      if (everyInstance) {
        return new Selection(Map.of(label, value), null);
      }
    }
    // Count each label=value, to tell a reviewer which pods differ.
    Map<String, Integer> carried = new TreeMap<>();
    for (GraphState.InstanceState i : instances) {
      i.nameLabels().forEach((k, v) -> carried.merge(k + "=" + v, 1, Integer::sum));
    }
    if (carried.isEmpty()) {
      return new Selection(Map.of(), null); // named by WORKLOAD_NAME: no label could select it
    }
    List<String> parts = new ArrayList<>();
    carried.forEach((labelValue, n) -> parts.add(labelValue + " on " + n + " of " + instances.size()));
    return new Selection(Map.of(), "no name label is on every instance with one value: " + String.join(", ", parts));
  }
}
