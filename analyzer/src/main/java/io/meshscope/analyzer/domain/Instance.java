package io.meshscope.analyzer.domain;

import io.meshscope.schemas.Reporter;
import io.meshscope.schemas.WorkloadRef;
import java.util.HashMap;
import java.util.Map;

/**
 * One instance (pod) of a workload as its own proxy's identity showed it: what names it, and which
 * of the labels that can name a workload ({@link WorkloadRef#NAME_LABELS}) it carries. A Sidecar's
 * selector must select every instance, so the graph keeps them.
 *
 * @param id the pod's name, else the proxy's node id
 * @param mode what the pod asks of its Sidecar ({@code sidecar.meshscope.io/mode}), or null
 */
public record Instance(String id, Map<String, String> nameLabels, ModeRequest mode) {

  public Instance {
    nameLabels = Map.copyOf(nameLabels);
  }

  public Instance(String id, Map<String, String> nameLabels) {
    this(id, nameLabels, null);
  }

  /** The same instance asking for {@code request}. */
  Instance withMode(ModeRequest request) {
    return new Instance(id, nameLabels, request);
  }

  /** The instance a reporter is; null when its identity names no instance. */
  public static Instance of(Reporter r) {
    String id = r.pod() != null ? r.pod() : r.nodeId();
    if (id == null) {
      return null;
    }
    Map<String, String> labels = new HashMap<>(4);
    for (String label : WorkloadRef.NAME_LABELS) {
      String value = r.labels().get(label);
      if (value != null) {
        labels.put(label, value);
      }
    }
    return new Instance(id, labels, ModeRequest.of(r));
  }
}
