package io.meshscope.analyzer.domain;

import io.meshscope.schemas.AccessRecord;
import io.meshscope.schemas.PeerMetadata;
import io.meshscope.schemas.Reporter;
import io.meshscope.schemas.UpstreamCluster;
import io.meshscope.schemas.WorkloadRef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The rules that turn an access record into observations about workloads (docs/architecture.md, "Edge rules"):
 * outbound clusters, passthrough authorities, blocked calls (urgent), inbound entries seen from the
 * server side, and calls relayed by the mesh's fallback egress proxy, where the caller is the proxy's
 * downstream peer. Pure: IP and namespace knowledge comes in through a {@link Directory}.
 */
public final class EdgeExtractor {

  /** Role of a caller known only from a peer's metadata or IP: never overrides a reported role. */
  public static final String UNKNOWN_ROLE = "unknown";

  private final HostNormalizer hosts;
  private final Set<String> egressProxies;
  private final Set<String> egressProxyNames;

  /**
   * @param egressProxies workloads ({@code namespace/name}) that serve as the mesh's fallback
   *     egress proxy: their traffic is attributed to their downstream callers
   */
  public EdgeExtractor(HostNormalizer hosts, Set<String> egressProxies) {
    this.hosts = hosts;
    this.egressProxies = Set.copyOf(egressProxies);
    this.egressProxyNames = egressProxies.stream().map(p -> p.substring(p.lastIndexOf('/') + 1))
        .collect(Collectors.toUnmodifiableSet());
  }

  public List<Observation> extract(AccessRecord r, Directory directory) {
    Reporter reporter = r.reporter();
    if (reporter == null) {
      // No identity: the callee (for inbound) or the caller (for outbound) is unknown, and a guess
      // could widen someone's Sidecar. The receiver counted it; nothing is learned here.
      return List.of();
    }
    List<Observation> out = new ArrayList<>(2);
    WorkloadRef self = reporter.workload();
    Instant at = EventTime.of(r);
    learn(out, r, reporter, self, at, directory);
    // The reporter exists even when it calls nothing; unless an observation about it says so
    // already, say it, so that its graph (and Sidecar) is there.
    boolean selfObserved = false;
    for (Observation o : out) {
      // Nearly always the reporter's own object: compared by identity before field by field.
      selfObserved |= (o.workload() == self || o.workload().equals(self)) && o.role().equals(reporter.role());
    }
    if (!selfObserved) {
      out.add(Observation.presence(self, reporter.role(), at));
    }
    return out;
  }

  private void learn(List<Observation> out, AccessRecord r, Reporter reporter, WorkloadRef self, Instant at,
      Directory directory) {

    UpstreamCluster cluster = r.upstreamCluster();
    String kind = cluster == null ? "other" : cluster.kind();
    boolean noRoute = r.responseFlags().contains("NR");
    // By name first: building the key of every reporter to find the one or two proxies was waste.
    boolean viaEgressProxy = egressProxyNames.contains(self.name()) && egressProxies.contains(self.key());

    Caller caller = viaEgressProxy ? downstreamCaller(r, directory) : new Caller(self, reporter.role(), null);
    if (caller.workload() == null && !"inbound".equals(kind)) {
      out.add(Observation.rejected(self, reporter.role(), at, caller.unresolved(), "unresolved-caller"));
      return;
    }
    switch (kind) {
      case "outbound" -> {
        String provenance = viaEgressProxy ? "egress-gateway" : noRoute ? "no-route" : "outbound-cluster";
        addEdge(out, caller, at, hosts.fromHost(cluster.host(), self.namespace(), directory::isNamespace),
            cluster.port(), r.protocol(), provenance, noRoute);
      }
      case "passthrough", "blackhole" -> {
        boolean blocked = "blackhole".equals(kind) || noRoute;
        String provenance = viaEgressProxy ? "egress-gateway"
            : "blackhole".equals(kind) ? "blackhole" : noRoute ? "no-route" : "passthrough-authority";
        String authority = r.request() == null ? null : r.request().authority();
        if (authority == null) {
          // A TCP connection (or a refused authority) names no host; show where it went.
          String where = r.downstreamLocalAddress() == null ? "" : r.downstreamLocalAddress();
          out.add(Observation.rejected(caller.workload(), caller.role(), at, where, "no-host"));
        } else {
          addEdge(out, caller, at, hosts.fromAuthority(authority, caller.workload().namespace(), directory::isNamespace),
              port(authority, r.downstreamLocalAddress()), r.protocol(), provenance, blocked);
        }
      }
      case "inbound" -> inbound(out, r, self, at, directory);
      default -> {
        // inbound-passthrough and clusters outside Istio's naming say nothing about a service
      }
    }
  }

  private void inbound(List<Observation> out, AccessRecord r, WorkloadRef self, Instant at, Directory directory) {
    Caller caller = downstreamCaller(r, directory);
    if (caller.workload() == null) {
      return; // the callee's log alone cannot say who called; the caller's own log may
    }
    // Istio before 1.8 named the service in the cluster; since then the workload's canonical name
    // is the best guess, and provenance tells a reviewer it is one.
    String service = r.upstreamCluster().host() != null ? r.upstreamCluster().host()
        : self.name() + "." + self.namespace() + ".svc." + hosts.meshDomain();
    HostNormalizer.Result host = hosts.fromHost(service, self.namespace(), directory::isNamespace);
    if (host.host() != null && !isServiceOf(host.host(), self.namespace())) {
      // A pod serves only services of its own namespace. Any other host in its inbound cluster is
      // forged or foreign, and taken as is it would let one pod fill any caller's graph.
      out.add(Observation.rejected(caller.workload(), caller.role(), at, host.host(), "foreign-inbound-host"));
      return;
    }
    addEdge(out, caller, at, host, r.upstreamCluster().port(), r.protocol(), caller.provenance(), false);
  }

  /** Whether {@code host} is {@code <service>.<namespace>.svc.<mesh domain>}. */
  private boolean isServiceOf(String host, String namespace) {
    String suffix = "." + namespace + ".svc." + hosts.meshDomain();
    return host.endsWith(suffix) && host.length() > suffix.length()
        && host.lastIndexOf('.', host.length() - suffix.length() - 1) < 0;
  }

  private static void addEdge(List<Observation> out, Caller caller, Instant at, HostNormalizer.Result host,
      Integer port, String protocol, String provenance, boolean urgent) {
    if (host.host() != null) {
      out.add(Observation.edge(caller.workload(), caller.role(), at, host.host(), port, protocol, provenance, urgent));
    } else {
      out.add(Observation.rejected(caller.workload(), caller.role(), at, host.rejectedValue(), host.reason()));
    }
  }

  /** Who called: the peer Istio's metadata exchange named, else the workload whose IP it was. */
  private static Caller downstreamCaller(AccessRecord r, Directory directory) {
    PeerMetadata peer = r.downstreamPeer();
    if (peer != null && peer.namespace() != null && peer.workload() != null
        && HostNormalizer.isKubernetesName(peer.namespace()) && HostNormalizer.isWorkloadName(peer.workload())) {
      return new Caller(WorkloadRef.of(peer.namespace(), peer.workload(), Map.of()), UNKNOWN_ROLE,
          "inbound-peer-metadata");
    }
    String address = r.downstreamDirectRemoteAddress() != null ? r.downstreamDirectRemoteAddress()
        : r.downstreamRemoteAddress();
    String ip = ip(address);
    if (ip != null) {
      var known = directory.byIp(ip);
      if (known.isPresent()) {
        return new Caller(known.get().workload(), known.get().role(), "inbound-ip");
      }
    }
    return new Caller(null, null, null, address == null ? "" : address);
  }

  /** The IP of {@code ip:port} or {@code [v6]:port}. */
  static String ip(String address) {
    if (address == null || address.isEmpty()) {
      return null;
    }
    if (address.startsWith("[")) {
      int end = address.indexOf(']');
      return end > 1 ? address.substring(1, end) : null;
    }
    int colon = address.lastIndexOf(':');
    return colon > 0 ? address.substring(0, colon) : address;
  }

  private static Integer port(String authority, String localAddress) {
    int colon = authority.lastIndexOf(':');
    String text = colon > 0 && authority.indexOf(']') < colon ? authority.substring(colon + 1)
        : localAddress == null ? null : localAddress.substring(localAddress.lastIndexOf(':') + 1);
    if (text == null) {
      return null;
    }
    try {
      int p = Integer.parseInt(text);
      return p > 0 && p <= 65_535 ? p : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private record Caller(WorkloadRef workload, String role, String provenance, String unresolved) {
    Caller(WorkloadRef workload, String role, String provenance) {
      this(workload, role, provenance, null);
    }
  }
}
