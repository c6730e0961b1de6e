package io.meshscope.generator.domain;

import io.meshscope.schemas.Hosts;
import io.meshscope.schemas.WhatIf;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The services of the mesh, as far as meshscope knows them: the universe of the what-if figure.
 * Without a Sidecar a proxy receives configuration for every one of them; with it, for those its
 * {@code egress.hosts} import. In-mesh hosts ({@code svc.ns.svc.<meshDomain>}) have a known namespace;
 * for others (ServiceEntry hosts) only an exact or {@code *.} entry is counted as importing them.
 */
public final class MeshServices {

  private final SortedSet<String> hosts;
  private final EgressHostMapper mapper;

  private MeshServices(SortedSet<String> hosts, EgressHostMapper mapper) {
    this.hosts = Collections.unmodifiableSortedSet(hosts);
    this.mapper = mapper;
  }

  /** From a list of service hosts (supplied, or every callee seen); invalid hosts are left out. */
  public static MeshServices of(Collection<String> hosts, EgressHostMapper mapper) {
    SortedSet<String> valid = new TreeSet<>();
    for (String host : hosts) {
      if (Hosts.isValid(host)) {
        valid.add(host);
      }
    }
    return new MeshServices(valid, mapper);
  }

  public SortedSet<String> hosts() {
    return hosts;
  }

  /** Whether {@code host} is a Kubernetes service of the mesh ({@code svc.ns.svc.<meshDomain>}). */
  public boolean isMeshService(String host) {
    return mapper.serviceNamespace(host).isPresent();
  }

  public int size() {
    return hosts.size();
  }

  /**
   * The what-if figure for a Sidecar of {@code sidecarNamespace} with these {@code egress.hosts}.
   * Entries naming services outside the universe are not counted, so "with" never exceeds "without".
   */
  public WhatIf whatIf(String sidecarNamespace, List<String> egressHosts) {
    List<EgressHost> entries = egressHosts.stream().map(EgressHost::parse).toList();
    int with = 0;
    for (String host : hosts) {
      String namespace = mapper.serviceNamespace(host).orElse(null);
      if (entries.stream().anyMatch(e -> e.imports(sidecarNamespace, namespace, host))) {
        with++;
      }
    }
    int without = hosts.size();
    double reduction = without == 0 ? 0.0 : Math.round(1000.0 * (without - with) / without) / 10.0;
    return new WhatIf(without, with, reduction);
  }
}
