package io.meshscope.analyzer.domain;

import io.meshscope.schemas.AccessRecord;
import io.meshscope.schemas.PeerMetadata;
import io.meshscope.schemas.Reporter;
import io.meshscope.schemas.SafeText;
import io.meshscope.schemas.SpiffeId;
import io.meshscope.schemas.UpstreamCluster;
import io.meshscope.schemas.WorkloadRef;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The rules that turn an access record into observations about workloads (docs/architecture.md, "Edge rules"):
 * outbound clusters, passthrough authorities, blocked calls (urgent), inbound entries seen from the
 * server side, and calls that an adaptive Sidecar sent through the mesh's fallback egress proxy
 * (docs/adaptive.md, "What is learned"): from the caller's own entry, whose authority or SNI names
 * the host it meant, and from the fallback's inbound entry, whose downstream peer is the caller.
 * Nothing is ever learned for the fallback itself. Pure: IP and namespace knowledge comes in through
 * a {@link Directory}.
 */
public final class EdgeExtractor {

  private static final String WAYPOINT_ROLE = "waypoint";
  private static final String GATEWAY_ROLE = "router";
  /** The route of Istio's catch-all virtual host, which an adaptive Sidecar points at the fallback. */
  static final String FALLBACK_ROUTE = "allow_any";

  /** A certificate's account that several workloads run as: which of them called cannot be told. */
  static final String AMBIGUOUS_ACCOUNT = "ambiguous-service-account";
  private static final int SHOWN_CANDIDATES = 200;

  /** Role of a caller known only from a peer's metadata or IP: never overrides a reported role. */
  public static final String UNKNOWN_ROLE = "unknown";

  private final HostNormalizer hosts;
  private final Set<String> egressProxies;
  private final Set<String> egressProxyNames;
  /** The fallbacks' service hosts ({@code name.namespace.svc.<mesh domain>}), as callers' clusters name them. */
  private final Set<String> egressProxyHosts;
  private final Duration announcedWithin;

  /**
   * @param egressProxies workloads ({@code namespace/name}) that serve as the mesh's fallback
   *     egress proxy: their traffic is attributed to their downstream callers
   * @param announcedWithin how recent, before an entry, a workload's announcement of its service
   *     account must be for the workload to count as running under it then: the edge TTL, so a
   *     workload long gone does not make a live one ambiguous
   */
  public EdgeExtractor(HostNormalizer hosts, Set<String> egressProxies, Duration announcedWithin) {
    this.hosts = hosts;
    this.announcedWithin = announcedWithin;
    this.egressProxies = Set.copyOf(egressProxies);
    this.egressProxyNames = egressProxies.stream().map(p -> p.substring(p.lastIndexOf('/') + 1))
        .collect(Collectors.toUnmodifiableSet());
    this.egressProxyHosts = egressProxies.stream()
        .map(p -> p.substring(p.indexOf('/') + 1) + "." + p.substring(0, p.indexOf('/')) + ".svc." + hosts.meshDomain())
        .collect(Collectors.toUnmodifiableSet());
  }

  private boolean isEgressProxy(WorkloadRef w) {
    return egressProxyNames.contains(w.name()) && egressProxies.contains(w.key());
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
    // already, say it, so that its graph (and Sidecar) is there. That observation also says which
    // instance reported, so that the selector can select them all.
    Instance instance = Instance.of(reporter);
    if (instance != null && isEgressProxy(self)) {
      instance = instance.withMode(ModeRequest.FALLBACK_PROXY);
    }
    for (int i = 0; i < out.size(); i++) {
      Observation o = out.get(i);
      // Nearly always the reporter's own object: compared by identity before field by field.
      if (o.kind() != Observation.Kind.PENDING_CALLER && (o.workload() == self || o.workload().equals(self))
          && o.role().equals(reporter.role())) {
        out.set(i, o.withInstance(instance));
        return out;
      }
    }
    out.add(Observation.presence(self, reporter.role(), at).withInstance(instance));
    return out;
  }

  private void learn(List<Observation> out, AccessRecord r, Reporter reporter, WorkloadRef self, Instant at,
      Directory directory) {

    UpstreamCluster cluster = r.upstreamCluster();
    String kind = cluster == null ? "other" : cluster.kind();
    boolean noRoute = r.responseFlags().contains("NR");
    // By name first: building the key of every reporter to find the one or two proxies was waste.
    boolean viaEgressProxy = isEgressProxy(self);
    if (viaEgressProxy && !GATEWAY_ROLE.equals(reporter.role())) {
      fallbackEntry(out, r, self, at, directory);
      return;
    }
    if ("outbound".equals(kind) && egressProxyHosts.contains(cluster.host())
        && (r.request() == null || FALLBACK_ROUTE.equals(r.routeName()))) {
      throughFallback(out, r, self, reporter.role(), at, directory);
      return;
    }

    Caller caller = viaEgressProxy ? downstreamCaller(r, at, directory) : new Caller(self, reporter.role(), null);
    if (caller.workload() == null && !"inbound".equals(kind)) {
      out.add(Observation.rejected(self, reporter.role(), at, caller.unresolved(), caller.reason()));
      return;
    }
    switch (kind) {
      case "outbound" -> {
        String provenance = viaEgressProxy ? "egress-gateway" : noRoute ? "no-route" : "outbound-cluster";
        HostNormalizer.Result callee = hosts.fromHost(cluster.host(), self.namespace(), directory::isNamespace);
        addEdge(out, caller, at, callee, cluster.port(), r.protocol(), provenance, noRoute);
        if (!noRoute && callee.host() != null) {
          routeAuthority(out, r, caller, at, callee.host(), directory);
        }
      }
      case "passthrough", "blackhole" -> {
        boolean blocked = "blackhole".equals(kind) || noRoute;
        String provenance = viaEgressProxy ? "egress-gateway"
            : "blackhole".equals(kind) ? "blackhole" : noRoute ? "no-route" : "passthrough-authority";
        String authority = r.request() == null ? null : r.request().authority();
        String sni = r.requestedServerName();
        if (authority != null) {
          addEdge(out, caller, at, hosts.fromAuthority(authority, caller.workload().namespace(), directory::isNamespace),
              port(authority, r.downstreamLocalAddress()), r.protocol(), provenance, blocked);
        } else if (sni != null) {
          // TLS that Envoy passed through: its TLS inspector read the host the client asked for,
          // the commonest external call there is (docs/architecture.md, "Edge rules").
          addEdge(out, caller, at,
              hosts.fromServerName(sni, caller.workload().namespace(), directory::isNamespace),
              localPort(r.downstreamLocalAddress()), r.protocol(),
              "passthrough-authority".equals(provenance) ? "passthrough-sni" : provenance, blocked);
        } else {
          // Plain TCP (or a refused authority) names no host; show where it went.
          String where = r.downstreamLocalAddress() == null ? "" : r.downstreamLocalAddress();
          out.add(Observation.rejected(caller.workload(), caller.role(), at, where, "no-host"));
        }
      }
      case "inbound" -> inbound(out, r, self, at, directory);
      case "inbound-vip" -> {
        // An ambient waypoint serving a service of its namespace: seen from the server side, like a
        // sidecar's inbound entry, the caller named by peer metadata, IP or certificate.
        if (WAYPOINT_ROLE.equals(reporter.role()) && cluster.host() != null) {
          inbound(out, r, self, at, directory);
        }
      }
      default -> {
        // inbound-passthrough and clusters outside Istio's naming say nothing about a service
      }
    }
  }

  /**
   * The caller's own entry for a call its adaptive Sidecar sent to the fallback egress proxy, because
   * no route or listener of it knew the host: the HTTP authority, else the TLS SNI, is the host it
   * meant. Plain TCP names none: the original destination ({@code downstream_local_address}) is kept
   * visible as a refused value (docs/adaptive.md, "What cannot work"). An HTTP call is one only when
   * Istio's catch-all route {@code allow_any} sent it: a call to the fallback's own name has a route
   * of its own, and is an ordinary edge.
   */
  private void throughFallback(List<Observation> out, AccessRecord r, WorkloadRef self, String role, Instant at,
      Directory directory) {
    Caller caller = new Caller(self, role, null);
    String authority = r.request() == null ? null : r.request().authority();
    if (authority != null) {
      HostNormalizer.Result meant = hosts.fromAuthority(authority, self.namespace(), directory::isNamespace);
      addEdge(out, caller, at, meant, port(authority, r.downstreamLocalAddress()), r.protocol(), "fallback-authority",
          fallbackFailed(r));
    } else if (r.requestedServerName() != null) {
      addEdge(out, caller, at, hosts.fromServerName(r.requestedServerName(), self.namespace(), directory::isNamespace),
          localPort(r.downstreamLocalAddress()), r.protocol(), "fallback-sni", fallbackFailed(r));
    } else {
      String where = r.downstreamLocalAddress() == null ? "" : r.downstreamLocalAddress();
      out.add(Observation.rejected(self, role, at, where, "tcp-through-fallback"));
    }
  }

  /**
   * Whether the fallback could not carry the call (down, scaled to zero, refused it): then the
   * caller is failing as if blocked, and the host is urgent, not left to the debounce.
   */
  private static boolean fallbackFailed(AccessRecord r) {
    for (String flag : r.responseFlags()) {
      if (FALLBACK_FAILURE_FLAGS.contains(flag)) {
        return true;
      }
    }
    return false;
  }

  /** Envoy's flags for no healthy upstream, no cluster, connection failure, retries exhausted, overflow. */
  private static final Set<String> FALLBACK_FAILURE_FLAGS = Set.of("UH", "NC", "UF", "URX", "UO");

  /**
   * An entry of the fallback egress proxy's own sidecar (docs/adaptive.md, "What is learned"). Its
   * inbound HTTP entries are calls that callers' adaptive Sidecars sent it: the downstream peer is
   * the caller and the authority the host it meant, secondhand evidence. Its outbound entries are
   * the calls it makes on their behalf, under its own name: nothing to learn, for anyone.
   */
  private void fallbackEntry(List<Observation> out, AccessRecord r, WorkloadRef self, Instant at,
      Directory directory) {
    UpstreamCluster cluster = r.upstreamCluster();
    String authority = r.request() == null ? null : r.request().authority();
    if (cluster == null || !"inbound".equals(cluster.kind()) || authority == null) {
      return; // the onward call, or TLS and TCP relayed as bytes: the caller's own entry tells those
    }
    Caller caller = downstreamCaller(r, at, directory);
    if (caller.workload() == null) {
      // The caller's own entry, on its identity-bound stream, names the host too; the fallback's
      // graph keeps who could not be told.
      out.add(Observation.rejected(self, r.reporter().role(), at,
          caller.unresolved() == null ? "" : caller.unresolved(), caller.reason()));
      return;
    }
    // Any pod can put any peer metadata in its headers, and here the host is any name, not one of
    // the reporter's own services: only the mTLS certificate (STRICT at the fallback) names the
    // caller's namespace, which is also the one the forwarder expanded a short name in.
    SpiffeId certificate = r.peerSans().stream().map(SpiffeId::parse).filter(java.util.Objects::nonNull)
        .findFirst().orElse(null);
    if (certificate == null || !certificate.namespace().equals(caller.workload().namespace())) {
      out.add(Observation.rejected(self, r.reporter().role(), at, SafeText.escaped(caller.workload().key()
          + (certificate == null ? " without a mesh certificate" : " with a certificate of namespace "
          + certificate.namespace()), SHOWN_CANDIDATES), "caller-not-certified"));
      return;
    }
    if (isEgressProxy(caller.workload())) {
      return;
    }
    HostNormalizer.Result meant = hosts.fromAuthority(authority, caller.workload().namespace(), directory::isNamespace);
    if (meant.host() != null && egressProxyHosts.contains(meant.host())) {
      return;
    }
    addEdge(out, caller, at, meant, port(authority, null), r.protocol(), "egress-gateway", false);
  }

  /**
   * A request whose authority is another host than its cluster's went through a route that a
   * VirtualService (or an alias) made for that authority: Envoy sends a request to an
   * {@code outbound|} cluster only when a virtual host of its route table matched the authority,
   * and an unknown authority goes to PassthroughCluster or BlackHoleCluster instead. The Sidecar
   * then needs the authority too, or the VirtualService is not imported and the call fails with
   * 404 NR. Names of the cluster's own service ({@code reviews}, {@code reviews:9080}) normalize to
   * the cluster's host and add nothing; IP literals and junk are refused as any authority is.
   */
  private void routeAuthority(List<Observation> out, AccessRecord r, Caller caller, Instant at, String clusterHost,
      Directory directory) {
    String authority = r.request() == null ? null : r.request().authority();
    if (authority == null || isAliasOf(authority, clusterHost)) {
      return;
    }
    HostNormalizer.Result routed = hosts.fromAuthority(authority, caller.workload().namespace(),
        directory::isNamespace);
    if (routed.host() == null) {
      // An authority that is an IP (a service's cluster IP) also routes to the cluster: nothing to import.
      if (!"ip-literal".equals(routed.reason())) {
        out.add(Observation.rejected(caller.workload(), caller.role(), at, routed.rejectedValue(), routed.reason()));
      }
      return;
    }
    if (!routed.host().equals(clusterHost)) {
      addEdge(out, caller, at, routed, port(authority, r.downstreamLocalAddress()), r.protocol(), "route-authority",
          false);
    }
  }

  /**
   * Whether {@code authority} is one of the names a pod's DNS search path gives the cluster's
   * service ({@code reviews}, {@code reviews.bookinfo}, {@code reviews.bookinfo.svc}, with or without
   * a port): the service's own virtual host, whatever namespaces the directory knows yet.
   */
  private boolean isAliasOf(String authority, String clusterHost) {
    int colon = authority.lastIndexOf(':');
    String host = (colon > 0 && authority.indexOf(':') == colon ? authority.substring(0, colon) : authority)
        .toLowerCase(Locale.ROOT);
    if (host.endsWith(".")) {
      host = host.substring(0, host.length() - 1);
    }
    return clusterHost.equals(host) || clusterHost.endsWith(".svc." + hosts.meshDomain())
        && clusterHost.startsWith(host + ".");
  }

  private void inbound(List<Observation> out, AccessRecord r, WorkloadRef self, Instant at, Directory directory) {
    Caller caller = downstreamCaller(r, at, directory);
    if (caller.workload() != null && isEgressProxy(caller.workload())) {
      return; // the fallback calling on a caller's behalf: that caller's entries say who meant it
    }
    if (caller.workload() == null && AMBIGUOUS_ACCOUNT.equals(caller.reason())) {
      // Several workloads run as the caller's account: the callee's graph says so rather than guess.
      out.add(Observation.rejected(self, r.reporter().role(), at, caller.unresolved(), caller.reason()));
      return;
    }
    // Istio before 1.8 named the service in the cluster; since then the workload's canonical name
    // is the best guess, and provenance tells a reviewer it is one.
    String service = r.upstreamCluster().host() != null ? r.upstreamCluster().host()
        : self.name() + "." + self.namespace() + ".svc." + hosts.meshDomain();
    HostNormalizer.Result host = hosts.fromHost(service, self.namespace(), directory::isNamespace);
    if (host.host() != null && !isServiceOf(host.host(), self.namespace())) {
      // A pod serves only services of its own namespace. Any other host in its inbound cluster is
      // forged or foreign, and taken as is it would let one pod fill any caller's graph.
      if (caller.workload() != null) {
        out.add(Observation.rejected(caller.workload(), caller.role(), at, host.host(), "foreign-inbound-host"));
      }
      return;
    }
    if (caller.workload() == null) {
      // Its announcement may not have been read yet (a replay at full speed, a new pod): held and
      // resolved again for a while (docs/architecture.md, "Edge rules"). The caller's own log may
      // show the call too.
      if (host.host() != null && (caller.address() != null || caller.san() != null)) {
        out.add(Observation.pendingCaller(self, r.reporter().role(), at, host.host(), r.upstreamCluster().port(),
            r.protocol(), caller.address(), caller.san()));
      }
      return;
    }
    addEdge(out, caller, at, host, r.upstreamCluster().port(), r.protocol(), caller.provenance(), false);
  }

  /**
   * The edge a {@link Observation.Kind#PENDING_CALLER} stands for, once the directory names its
   * caller by IP or certificate; a refusal in the callee's graph when the certificate's account is
   * run by several workloads; empty while nobody is named.
   */
  public Optional<Observation> resolvePending(Observation pending, Directory directory) {
    List<String> sans = pending.reason() == null ? List.of() : List.of(pending.reason());
    Caller caller = byAddress(pending.value(), sans, pending.at(), directory);
    if (caller.workload() != null && isEgressProxy(caller.workload())) {
      // Resolved, to the fallback: nothing is learned for it, and nothing is left to resolve.
      return Optional.of(Observation.presence(pending.workload(), pending.role(), pending.at()));
    }
    if (caller.workload() != null) {
      return Optional.of(Observation.edge(caller.workload(), caller.role(), pending.at(), pending.host(),
          pending.port(), pending.protocol(), caller.provenance(), false));
    }
    if (AMBIGUOUS_ACCOUNT.equals(caller.reason())) {
      return Optional.of(Observation.rejected(pending.workload(), pending.role(), pending.at(), caller.unresolved(),
          caller.reason()));
    }
    return Optional.empty();
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

  /**
   * Who called: the peer Istio's metadata exchange named, else the workload whose IP it was, else
   * the one workload that runs as the namespace and service account of the mTLS peer certificate.
   */
  private Caller downstreamCaller(AccessRecord r, Instant at, Directory directory) {
    PeerMetadata peer = r.downstreamPeer();
    if (peer != null && peer.namespace() != null && peer.workload() != null
        && HostNormalizer.isKubernetesName(peer.namespace()) && HostNormalizer.isWorkloadName(peer.workload())) {
      return new Caller(WorkloadRef.of(peer.namespace(), peer.workload(), Map.of()), UNKNOWN_ROLE,
          "inbound-peer-metadata");
    }
    String address = r.downstreamDirectRemoteAddress() != null ? r.downstreamDirectRemoteAddress()
        : r.downstreamRemoteAddress();
    return byAddress(address, r.peerSans(), at, directory);
  }

  /** The workload whose IP {@code address} is, else the one that runs as the first SPIFFE SAN's account. */
  private Caller byAddress(String address, List<String> sans, Instant at, Directory directory) {
    String ip = ip(address);
    if (ip != null) {
      var known = directory.byIp(ip);
      if (known.isPresent()) {
        return new Caller(known.get().workload(), known.get().role(), "inbound-ip");
      }
    }
    for (String san : sans) {
      SpiffeId id = SpiffeId.parse(san);
      if (id != null) {
        Caller byAccount = byCertificate(id, san, at, directory);
        return byAccount.workload() != null || byAccount.reason().equals(AMBIGUOUS_ACCOUNT) ? byAccount
            : new Caller(null, null, null, address, san, byAccount.unresolved(), "unresolved-caller");
      }
    }
    return new Caller(null, null, null, address, null, address == null ? "" : address, "unresolved-caller");
  }

  private Caller byCertificate(SpiffeId id, String san, Instant at, Directory directory) {
    Instant since = at.minus(announcedWithin);
    List<WorkloadAddress> running = new ArrayList<>(2);
    for (WorkloadAddress a : directory.byServiceAccount(id.namespace(), id.serviceAccount())) {
      if (!a.seenAt().isBefore(since)) {
        running.add(a);
      }
    }
    if (running.size() == 1) {
      return new Caller(running.get(0).workload(), running.get(0).role(), "inbound-peer-certificate");
    }
    if (running.isEmpty()) {
      return new Caller(null, null, null, null, san, san, "unresolved-caller");
    }
    String candidates = running.stream().map(a -> a.workload().key()).sorted().collect(Collectors.joining(", "));
    return new Caller(null, null, null, null, san,
        SafeText.escaped(san + " is run by " + candidates, SHOWN_CANDIDATES), AMBIGUOUS_ACCOUNT);
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
    return colon > 0 && authority.indexOf(']') < colon ? port(authority.substring(colon + 1)) : localPort(localAddress);
  }

  /** The port the connection was made to: what a passthrough listener saw as its local address. */
  private static Integer localPort(String localAddress) {
    return localAddress == null ? null : port(localAddress.substring(localAddress.lastIndexOf(':') + 1));
  }

  private static Integer port(String text) {
    try {
      int p = Integer.parseInt(text);
      return p > 0 && p <= 65_535 ? p : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /**
   * @param address for a caller not found: its address as logged, to resolve it again later
   * @param san for a caller not found: the SPIFFE SAN that named its account, to resolve it again later
   * @param unresolved for a caller not found: what named it, as it may be shown to people
   * @param reason for a caller not found: why
   */
  private record Caller(WorkloadRef workload, String role, String provenance, String address, String san,
      String unresolved, String reason) {
    Caller(WorkloadRef workload, String role, String provenance) {
      this(workload, role, provenance, null, null, null, null);
    }
  }
}
