package io.meshscope.schemas;

import java.util.List;
import java.util.Map;

/**
 * The proxy that wrote an access-log entry, from the identity Envoy sends in the first message of
 * its ALS stream.
 *
 * @param role {@code sidecar}, {@code router} (a gateway), {@code waypoint}, {@code ztunnel} or
 *     {@code other}: the first part of the node id
 * @param nodeId the Envoy node id as received ({@code type~ip~pod.ns~domain})
 * @param workload namespace, name and the label the name came from
 * @param pod pod name, when known
 * @param ips the proxy's instance IPs ({@code INSTANCE_IPS}, else the node id's IP)
 * @param labels the pod's labels as the proxy announced them
 * @param annotations the pod's annotation {@code sidecar.meshscope.io/mode} as the proxy announced it
 *     ({@code ANNOTATIONS}); meshscope's own only, since a pod's others can be large and say nothing
 *     to it
 */
public record Reporter(
    String role,
    String nodeId,
    WorkloadRef workload,
    String pod,
    List<String> ips,
    Map<String, String> labels,
    String istioVersion,
    String clusterId,
    String serviceAccount,
    Map<String, String> annotations) {

  /** The prefix of the pod labels and annotations that meshscope reads: {@code sidecar.meshscope.io/mode}. */
  public static final String MESHSCOPE_PREFIX = "sidecar.meshscope.io/";

  public Reporter {
    Collections2.requireText(role, "reporter.role");
    Collections2.require(workload, "reporter.workload");
    ips = Collections2.list(ips);
    labels = Collections2.sortedMap(labels);
    annotations = Collections2.sortedMap(annotations);
  }

  /** A reporter whose pod carries no meshscope annotation. */
  public Reporter(String role, String nodeId, WorkloadRef workload, String pod, List<String> ips,
      Map<String, String> labels, String istioVersion, String clusterId, String serviceAccount) {
    this(role, nodeId, workload, pod, ips, labels, istioVersion, clusterId, serviceAccount, Map.of());
  }
}
