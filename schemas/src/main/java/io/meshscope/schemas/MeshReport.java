package io.meshscope.schemas;

import java.time.Instant;
import java.util.List;

/**
 * What the whole mesh's proxies carry without and with meshscope's Sidecars, estimated from the
 * graphs, and the discovery-scope advice: the value of the compacted {@code meshscope.mesh-report},
 * key {@code mesh}. Schema: {@code meshscope/schemas/mesh-report.schema.json}. How the figures are
 * estimated, and how wrong they may be: {@code docs/payoff.md}.
 *
 * @param windowStart event time of the oldest evidence in any graph; null when no graph has any
 * @param windowEnd event time of the newest
 * @param totals summed over every proxy (instance) counted
 * @param workloads sorted by workload key
 * @param exportTo services no workload outside their namespace called in the window, sorted by host
 * @param discoverySelectors namespaces no other namespace called in the window, sorted by name
 */
public record MeshReport(
    int schemaVersion,
    Instant generatedAt,
    Instant windowStart,
    Instant windowEnd,
    Inventory inventory,
    CostModel costModel,
    Totals totals,
    List<WorkloadPayoff> workloads,
    List<ExportToAdvice> exportTo,
    List<NamespaceAdvice> discoverySelectors) {

  public static final int CURRENT_VERSION = 1;
  /** The one key of {@code meshscope.mesh-report}. */
  public static final String KEY = "mesh";

  public MeshReport {
    Collections2.requireVersion(schemaVersion, "MeshReport");
    Collections2.require(generatedAt, "generatedAt");
    Collections2.require(inventory, "inventory");
    Collections2.require(costModel, "costModel");
    Collections2.require(totals, "totals");
    workloads = Collections2.list(workloads);
    exportTo = Collections2.list(exportTo);
    discoverySelectors = Collections2.list(discoverySelectors);
  }

  /**
   * The services the estimate counts.
   *
   * @param source {@code logs} (only services some call reached) or {@code registry} (a service list
   *     the operator supplied, plus hosts seen only in logs)
   * @param lowerBound true when the counts can only be too low: services nobody called, subsets of
   *     DestinationRules, and ports nobody used are then unknown
   */
  public record Inventory(String source, int services, int servicePorts, boolean lowerBound, List<String> notes) {
    public Inventory {
      Collections2.requireText(source, "inventory.source");
      notes = Collections2.list(notes);
    }
  }

  /**
   * Estimated bytes of proxy memory per unit of configuration, as a low-high range.
   *
   * @param sources where each figure comes from, one line each
   */
  public record CostModel(
      Range base, Range perCluster, Range perEndpoint, Range perVirtualHost, List<String> sources) {
    public CostModel {
      Collections2.require(base, "costModel.base");
      Collections2.require(perCluster, "costModel.perCluster");
      Collections2.require(perEndpoint, "costModel.perEndpoint");
      Collections2.require(perVirtualHost, "costModel.perVirtualHost");
      sources = Collections2.list(sources);
    }
  }

  /** A low-high range of bytes. */
  public record Range(long low, long high) {
    public Range {
      if (low < 0 || high < low) {
        throw new IllegalArgumentException("a range needs 0 <= low <= high, was " + low + ".." + high);
      }
    }
  }

  /**
   * The configuration of one proxy or a sum of them.
   *
   * @param clusters outbound clusters: one per service port
   * @param endpoints hosts across those clusters
   * @param virtualHosts HTTP route entries: one per HTTP service port
   * @param memory estimated proxy memory, the base included
   */
  public record Footprint(long services, long clusters, long endpoints, long virtualHosts, Range memory) {
    public Footprint {
      Collections2.require(memory, "footprint.memory");
    }
  }

  /**
   * One workload: what each of its proxies receives without and with its Sidecar.
   *
   * @param sidecar {@code emitted}, or {@code none} with a {@code reason} (then with = without)
   */
  public record WorkloadPayoff(
      String workload, String role, int instances, String sidecar, String reason, Footprint withoutPerProxy,
      Footprint withPerProxy) {
    public WorkloadPayoff {
      Collections2.requireText(workload, "workload");
      Collections2.requireText(sidecar, "sidecar");
      Collections2.require(withoutPerProxy, "withoutPerProxy");
      Collections2.require(withPerProxy, "withPerProxy");
    }
  }

  /**
   * The mesh's sums.
   *
   * @param proxies instances of every workload counted
   * @param without every proxy with the mesh's whole configuration
   * @param with every proxy with its Sidecar (a proxy without one keeps its whole configuration)
   * @param clusterReductionPercent how much fewer clusters, 0-100, one decimal
   * @param memoryReductionPercent how much less estimated memory (the middle of the ranges)
   */
  public record Totals(
      int workloads, long proxies, long proxiesWithSidecar, Footprint without, Footprint with,
      double clusterReductionPercent, double memoryReductionPercent) {
    public Totals {
      Collections2.require(without, "totals.without");
      Collections2.require(with, "totals.with");
    }
  }

  /**
   * A service that could be exported to its own namespace only ({@code exportTo: ["."]}).
   *
   * @param callers the workloads that called it in the window, all of its namespace; empty when none did
   * @param proxiesOutside proxies outside its namespace that stop receiving it
   * @param saving estimated memory those proxies save, before any Sidecar is applied
   * @param ifWrong what breaks if a caller from outside the namespace exists after all
   */
  public record ExportToAdvice(
      String host, String namespace, List<Integer> ports, List<String> callers, long proxiesOutside, Range saving,
      String ifWrong) {
    public ExportToAdvice {
      Collections2.requireText(host, "host");
      ports = Collections2.list(ports);
      callers = Collections2.list(callers);
    }
  }

  /**
   * A namespace no other namespace called and that called no other: a candidate to leave out of the mesh's
   * {@code discoverySelectors}.
   *
   * @param services its services that the estimate knows
   * @param callsWithin the namespace's own calls seen (caller → host), which would lose mesh routing
   * @param saving estimated memory the proxies outside it save
   */
  public record NamespaceAdvice(
      String namespace, List<String> services, List<String> callsWithin, long proxiesOutside, Range saving,
      String ifWrong) {
    public NamespaceAdvice {
      Collections2.requireText(namespace, "namespace");
      services = Collections2.list(services);
      callsWithin = Collections2.list(callsWithin);
    }
  }
}
