package io.meshscope.analyzer.domain;

import io.meshscope.schemas.Reporter;
import io.meshscope.schemas.SafeText;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one pod asks of its workload's Sidecar with the label or annotation
 * {@code sidecar.meshscope.io/mode} (docs/adaptive.md, "Switching it on"), read from the node
 * metadata its proxy sent, so no Kubernetes API access is needed.
 *
 * @param via {@code label}, {@code annotation}, or {@code fallback-proxy} for the fallback egress
 *     proxy itself, which must never get a Sidecar
 * @param value as the pod gave it, escaped and capped; only {@link #MODES} are obeyed
 */
public record ModeRequest(String via, String value) {

  public static final String KEY = Reporter.MESHSCOPE_PREFIX + "mode";

  /** The modes, the one that restricts a proxy least first: when pods disagree, the first wins. */
  public static final List<String> MODES = List.of("off", "adaptive", "recommend");

  static final ModeRequest FALLBACK_PROXY = new ModeRequest("fallback-proxy", "off");
  private static final int SHOWN = 40;

  /** The graph's mode and where it came from; both null when no pod asks for anything. */
  public record Decision(String mode, String source) {
    static final Decision NONE = new Decision(null, null);
  }

  public ModeRequest {
    java.util.Objects.requireNonNull(via, "via");
    java.util.Objects.requireNonNull(value, "value");
  }

  public boolean valid() {
    return MODES.contains(value);
  }

  /** The pod's label, else its annotation (the label is what Istio's own switches prefer); null without either. */
  public static ModeRequest of(Reporter r) {
    String label = r.labels().get(KEY);
    if (label != null) {
      return new ModeRequest("label", SafeText.escaped(label, SHOWN));
    }
    String annotation = r.annotations().get(KEY);
    return annotation == null ? null : new ModeRequest("annotation", SafeText.escaped(annotation, SHOWN));
  }

  /**
   * The mode of a workload whose running pods made {@code requests} (one per pod, null for a pod
   * that asks nothing). Pods disagree during a rollout that changes the label: the mode that
   * restricts least wins until the others are gone, so that no pod runs under a Sidecar narrower
   * than it asked for. Invalid values are ignored, and the source says so.
   */
  public static Decision decide(Collection<ModeRequest> requests) {
    Map<String, Map<String, Integer>> valid = new TreeMap<>();
    Map<String, Integer> invalid = new TreeMap<>();
    int pods = requests.size();
    for (ModeRequest m : requests) {
      if (m == null) {
        continue;
      }
      if (m.via().equals(FALLBACK_PROXY.via())) {
        return new Decision("off", "the fallback egress proxy itself (analyzer egress.proxies): a Sidecar on it"
            + " would cut the calls it forwards");
      }
      if (m.valid()) {
        valid.computeIfAbsent(m.value(), v -> new TreeMap<>()).merge(m.via(), 1, Integer::sum);
      } else {
        invalid.merge(m.via() + " " + SafeText.quoted(m.value()), 1, Integer::sum);
      }
    }
    String ignored = invalid.isEmpty() ? "" : "; ignored " + KEY + " " + String.join(", ", invalid.keySet())
        + ": must be adaptive, recommend or off";
    for (String mode : MODES) {
      Map<String, Integer> vias = valid.get(mode);
      if (vias != null) {
        int asking = vias.values().stream().mapToInt(Integer::intValue).sum();
        StringBuilder source = new StringBuilder(String.join(" and ", vias.keySet())).append(' ').append(KEY)
            .append('=').append(mode).append(" on ").append(asking).append(" of ").append(pods).append(pods == 1 ? " pod" : " pods");
        valid.keySet().stream().filter(m -> !m.equals(mode)).forEach(other -> source.append("; ")
            .append(valid.get(other).values().stream().mapToInt(Integer::intValue).sum()).append(" ask for ").append(other)
            .append(", and the mode that restricts less wins"));
        return new Decision(mode, source + ignored);
      }
    }
    return invalid.isEmpty() ? Decision.NONE : new Decision(null, ignored.substring(2));
  }
}
