package io.meshscope.generator.domain;

import io.meshscope.schemas.WorkloadRef;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A rendered Sidecar and what went into it.
 *
 * @param yaml the resource, byte-identical for the same input
 * @param contentKey the resource without its provenance annotations (see {@link RenderResult#contentKey})
 * @param hosts {@code egress[0].hosts} as rendered: sorted, distinct
 * @param sources why each of {@code hosts} is there, keyed by the entry ({@link EgressHost#NONE}
 *     has no source)
 * @param dropped edges whose host failed {@code Hosts.isValid}
 * @param excluded entries the workload's exclusions removed
 * @param instances the instances its selector was chosen to select (0: unknown, as for a Sidecar
 *     read back from its file)
 */
public record RenderedSidecar(
    WorkloadRef workload,
    long graphRevision,
    GeneratorMode mode,
    String modeSource,
    String yaml,
    String contentKey,
    List<String> hosts,
    SortedMap<String, HostSource> sources,
    List<DroppedHost> dropped,
    List<String> excluded,
    int instances) implements RenderResult {

  public RenderedSidecar {
    hosts = List.copyOf(hosts);
    sources = Collections.unmodifiableSortedMap(new TreeMap<>(sources));
    dropped = List.copyOf(dropped);
    excluded = List.copyOf(excluded);
  }

  /**
   * The {@code egress[0].hosts} of a Sidecar meshscope wrote (as the Sidecar topic holds it).
   *
   * @throws IllegalArgumentException when {@code yaml} is not YAML
   */
  public static List<String> egressHostsOf(String yaml) {
    List<String> hosts = new java.util.ArrayList<>();
    SidecarYaml.read(yaml).path("spec").path("egress").path(0).path("hosts").forEach(h -> hosts.add(h.asText()));
    return hosts;
  }
}
