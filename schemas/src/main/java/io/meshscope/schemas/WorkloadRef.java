package io.meshscope.schemas;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * A workload as meshscope names it: namespace and workload name, plus the pod label the name came
 * from ({@code selector}), which becomes the Sidecar's {@code workloadSelector}. An empty selector
 * means the name came from {@code WORKLOAD_NAME} and no Sidecar can select the workload.
 */
public record WorkloadRef(String namespace, String name, Map<String, String> selector) {

  /**
   * Pod labels that name a workload, most specific first: the name comes from the first a proxy's
   * pod has, and a selector is one of them.
   */
  public static final List<String> NAME_LABELS =
      List.of("service.istio.io/canonical-name", "app.kubernetes.io/name", "app");

  public WorkloadRef {
    Collections2.requireText(namespace, "workload.namespace");
    Collections2.requireText(name, "workload.name");
    selector = Collections2.sortedMap(selector);
  }

  public static WorkloadRef of(String namespace, String name, Map<String, String> selector) {
    return new WorkloadRef(namespace, name, Collections2.sortedMap(selector));
  }

  /** The Kafka record key of every meshscope topic: {@code namespace/name}. */
  @JsonIgnore
  public String key() {
    return namespace + "/" + name;
  }

  /** Whether {@code key} is this workload's {@link #key()}, without building it. */
  public boolean hasKey(String key) {
    int slash = namespace.length();
    return key != null && key.length() == slash + 1 + name.length() && key.charAt(slash) == '/'
        && key.startsWith(namespace) && key.endsWith(name);
  }
}
