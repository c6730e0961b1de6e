package io.meshscope.receiver.domain;

import com.google.protobuf.Struct;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.accesslog.v3.StreamAccessLogsMessage;
import io.meshscope.schemas.Reporter;
import io.meshscope.schemas.WorkloadRef;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Turns the {@code identifier} of a stream's first message into a {@link Reporter}, following
 * Istio's conventions: node id {@code type~ip~pod.namespace~domain}, node metadata {@code NAMESPACE},
 * {@code WORKLOAD_NAME}, {@code LABELS}, {@code INSTANCE_IPS}, ... (Istio 1.2+), or the labels
 * flattened at the top level (with the annotations), {@code CONFIG_NAMESPACE}, {@code POD_NAME} and
 * {@code ISTIO_META_INSTANCE_IPS} of Istio 1.1 and 1.2, whose gateways carry no labels at all and
 * are named by {@code node.cluster}. Of the pod's annotations ({@code ANNOTATIONS}) only meshscope's
 * own ({@code sidecar.meshscope.io/mode}) is kept.
 */
public final class IdentityParser {

  /** Labels that name a workload; the one that gave the name becomes the Sidecar's workloadSelector. */
  public static final List<String> NAME_LABELS = WorkloadRef.NAME_LABELS;

  private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  // Label values and object names: what Kubernetes accepts for either.
  private static final Pattern WORKLOAD = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]{0,251}[A-Za-z0-9])?");
  private static final List<String> ROLES = List.of("sidecar", "router", "waypoint", "ztunnel");
  /** The only annotations kept: a pod may carry any number under meshscope's prefix. */
  private static final java.util.Set<String> MESHSCOPE_ANNOTATIONS = java.util.Set.of(Reporter.MESHSCOPE_PREFIX + "mode");

  private IdentityParser() {}

  public static StreamIdentity parse(StreamAccessLogsMessage.Identifier identifier) {
    List<Rejection> rejections = new ArrayList<>();
    Node node = identifier.getNode();
    Struct meta = node.getMetadata();
    String[] id = node.getId().split("~", -1);
    boolean wellFormedId = id.length == 4;

    String role = wellFormedId && ROLES.contains(id[0]) ? id[0] : "other";
    Map<String, String> labels = Structs.stringMap(Structs.struct(meta, "LABELS"), rejections);
    if (labels.isEmpty() && Structs.string(meta, "ISTIO_META_INSTANCE_IPS") != null) {
      // Istio 1.1 and older put the pod labels at the top level of the metadata.
      labels = topLevelLabels(meta, rejections);
    }

    String namespace = FieldValues.checked(Structs.string(meta, "NAMESPACE"), rejections);
    if (namespace == null) {
      namespace = FieldValues.checked(Structs.string(meta, "CONFIG_NAMESPACE"), rejections);
    }
    String pod = FieldValues.checked(Structs.string(meta, "NAME"), rejections);
    if (pod == null) {
      pod = FieldValues.checked(Structs.string(meta, "POD_NAME"), rejections);
    }
    if (wellFormedId) {
      int dot = id[2].lastIndexOf('.');
      if (namespace == null && dot > 0) {
        namespace = id[2].substring(dot + 1);
      }
      if (namespace == null && !id[3].isEmpty()) {
        namespace = id[3].split("\\.", 2)[0];
      }
      if (pod == null && dot > 0) {
        pod = FieldValues.checked(id[2].substring(0, dot), rejections);
      }
    }

    String name = null;
    Map<String, String> selector = Map.of();
    for (String label : NAME_LABELS) {
      if (labels.containsKey(label)) {
        name = labels.get(label);
        selector = Map.of(label, name);
        break;
      }
    }
    if (name == null) {
      name = FieldValues.checked(Structs.string(meta, "WORKLOAD_NAME"), rejections);
    }
    if (name == null && namespace != null) {
      // Istio 1.1 and 1.2 gateways carry no labels and no WORKLOAD_NAME, only --serviceCluster:
      // istio-ingressgateway; their sidecars without an app label have <deployment>.<namespace>.
      // A name, not a label: the selector stays empty, and such a sidecar gets no Sidecar.
      name = clusterName(node.getCluster(), namespace, rejections);
    }

    if (namespace == null || name == null || !NAMESPACE.matcher(namespace).matches()
        || !WORKLOAD.matcher(name).matches()) {
      rejections.add(Rejection.INVALID_IDENTITY);
      return new StreamIdentity(null, identifier.getLogName(), rejections);
    }

    List<String> ips = instanceIps(meta, rejections);
    if (ips.isEmpty() && wellFormedId && !id[1].isEmpty()) {
      String ip = FieldValues.checked(id[1], 45, Rejection.FIELD_TOO_LONG, rejections);
      if (ip != null) {
        ips = List.of(ip);
      }
    }

    Reporter reporter = new Reporter(
        role,
        FieldValues.checked(node.getId(), rejections),
        WorkloadRef.of(namespace, name, selector),
        pod,
        ips,
        labels,
        FieldValues.checked(Structs.string(meta, "ISTIO_VERSION"), rejections),
        FieldValues.checked(Structs.string(meta, "CLUSTER_ID"), rejections),
        FieldValues.checked(Structs.string(meta, "SERVICE_ACCOUNT"), rejections),
        Structs.stringMap(Structs.struct(meta, "ANNOTATIONS"), MESHSCOPE_ANNOTATIONS, rejections));
    String logName = FieldValues.checked(identifier.getLogName(), rejections);
    return new StreamIdentity(reporter, logName, rejections);
  }

  /** {@code node.cluster} without a {@code .<namespace>} suffix; null when empty. */
  private static String clusterName(String cluster, String namespace, List<Rejection> rejections) {
    String checked = FieldValues.checked(cluster, rejections);
    if (checked == null) {
      return null;
    }
    String suffix = "." + namespace;
    return checked.endsWith(suffix) ? checked.substring(0, checked.length() - suffix.length()) : checked;
  }

  private static List<String> instanceIps(Struct meta, List<Rejection> rejections) {
    String raw = Structs.string(meta, "INSTANCE_IPS");
    if (raw == null) {
      raw = Structs.string(meta, "ISTIO_META_INSTANCE_IPS");
    }
    String checked = FieldValues.checked(raw, rejections);
    if (checked == null) {
      return List.of();
    }
    return Arrays.stream(checked.split(",")).map(String::trim).filter(s -> !s.isEmpty()).distinct().toList();
  }

  private static Map<String, String> topLevelLabels(Struct meta, List<Rejection> rejections) {
    Struct.Builder flat = Struct.newBuilder();
    meta.getFieldsMap().forEach((k, v) -> {
      // Istio's own keys are upper case; pod labels are not. "istio" is Istio's too: the agent of
      // 1.1 and 1.2 sets it to "sidecar" on every proxy, gateways included.
      if (!k.equals(k.toUpperCase(Locale.ROOT)) && !k.equals("istio")) {
        flat.putFields(k, v);
      }
    });
    return Structs.stringMap(flat.build(), rejections);
  }
}
