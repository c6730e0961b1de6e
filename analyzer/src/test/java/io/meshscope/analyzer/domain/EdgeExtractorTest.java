package io.meshscope.analyzer.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.data.accesslog.v3.AccessLogCommon;
import io.envoyproxy.envoy.data.accesslog.v3.ConnectionProperties;
import io.envoyproxy.envoy.data.accesslog.v3.HTTPAccessLogEntry;
import io.envoyproxy.envoy.data.accesslog.v3.ResponseFlags;
import io.envoyproxy.envoy.data.accesslog.v3.TCPAccessLogEntry;
import io.envoyproxy.envoy.data.accesslog.v3.TLSProperties;
import io.meshscope.client.simulate.Entries;
import io.meshscope.receiver.domain.EntryNormalizer;
import io.meshscope.receiver.domain.IdentityParser;
import io.meshscope.receiver.domain.StreamIdentity;
import io.meshscope.schemas.AccessRecord;
import io.meshscope.schemas.WorkloadRef;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Edge rules on records made as the receiver makes them: Envoy protos through its normalizer. */
class EdgeExtractorTest {
  private static final Instant T = Instant.parse("2026-03-01T10:00:00Z");
  private static final StreamIdentity PRODUCTPAGE = IdentityParser.parse(
      Entries.identity("sidecar", "bookinfo", "productpage", "v1", "productpage-v1-pod", "10.44.0.12"));
  private static final StreamIdentity REVIEWS = IdentityParser.parse(
      Entries.identity("sidecar", "bookinfo", "reviews", "v1", "reviews-v1-pod", "10.44.0.30"));
  private final EdgeExtractor extractor =
      new EdgeExtractor(new HostNormalizer("cluster.local"), Set.of(), Duration.ofDays(7));

  @Test
  void tlsThatEnvoyPassedThroughIsLearnedFromItsSni() {
    List<Observation> out = extract(tcp("PassthroughCluster", "142.250.74.110", 443, "API.Stripe.com."));

    Observation edge = only(out);
    assertEquals(Observation.Kind.EDGE, edge.kind());
    assertEquals("api.stripe.com", edge.host(), "lower-cased, trailing dot dropped, as an authority would be");
    assertEquals(443, edge.port(), "the port the connection was made to");
    assertEquals("TCP", edge.protocol());
    assertEquals("passthrough-sni", edge.provenance());
    assertEquals(false, edge.urgent());
  }

  @Test
  void tlsThatTheSidecarBlockedIsAnUrgentEdgeToItsSni() {
    Observation edge = only(extract(tcp("BlackHoleCluster", "142.250.74.110", 443, "api.stripe.com")));

    assertEquals("api.stripe.com", edge.host());
    assertEquals("blackhole", edge.provenance());
    assertTrue(edge.urgent(), "a blocked call skips the debounce");
  }

  @Test
  void anSniThatIsNoHostNameIsRefusedWithTheReasonAndNeverLearned() {
    for (String sni : List.of("142.250.74.110", "*.stripe.com", "a..b", "x_y.example.com", "stripe")) {
      Observation o = only(extract(tcp("PassthroughCluster", "142.250.74.110", 443, sni)));
      if (sni.equals("stripe")) {
        // A short name is expanded as a pod's search path would: it names a service of the caller's namespace.
        assertEquals("stripe.bookinfo.svc.cluster.local", o.host(), sni);
        continue;
      }
      assertEquals(Observation.Kind.REJECTED, o.kind(), sni);
      assertTrue(o.reason() != null && !o.reason().isEmpty(), sni);
    }
  }

  @Test
  void plainTcpNamesNoHostAndSaysWhereItWent() {
    Observation o = only(extract(tcp("PassthroughCluster", "142.250.74.110", 5432, null)));

    assertEquals(Observation.Kind.REJECTED, o.kind());
    assertEquals("no-host", o.reason());
    assertEquals("142.250.74.110:5432", o.value());
  }

  @Test
  void anSniOnAnOutboundClusterChangesNothing() {
    // The cluster names the callee; an SNI there is the app's own TLS inside a known service.
    Observation edge = only(extract(tcp("outbound|443||payments.billing.svc.cluster.local", "10.96.0.9", 443,
        "evil.example.com")));

    assertEquals("payments.billing.svc.cluster.local", edge.host());
    assertEquals("outbound-cluster", edge.provenance());
  }

  @Test
  void aCallerKnownOnlyByItsCertificateIsTheOneWorkloadRunningAsItsAccount() {
    Directory directory = accounts(running("bookinfo", "productpage-v1", T.minus(Duration.ofHours(3))),
        running("bookinfo", "productpage-v0", T.minus(Duration.ofDays(30))));

    List<Observation> out = extractor.extract(inboundByCertificate("spiffe://cluster.local/ns/bookinfo/sa/bookinfo-productpage"),
        directory);

    Observation edge = out.stream().filter(o -> o.kind() == Observation.Kind.EDGE).findFirst().orElseThrow();
    assertEquals("bookinfo/productpage-v1", edge.key(), "the workload gone for a month does not count");
    assertEquals("reviews.bookinfo.svc.cluster.local", edge.host());
    assertEquals("inbound-peer-certificate", edge.provenance());
  }

  @Test
  void anAccountThatSeveralWorkloadsRunAsNamesNoCallerAndTheCalleesGraphSaysWhy() {
    Directory directory = accounts(running("bookinfo", "productpage-v1", T), running("bookinfo", "productpage-v2", T));

    List<Observation> out = extractor.extract(inboundByCertificate("spiffe://cluster.local/ns/bookinfo/sa/bookinfo-productpage"),
        directory);

    assertTrue(out.stream().noneMatch(o -> o.kind() == Observation.Kind.EDGE), out.toString());
    Observation refused = out.stream().filter(o -> o.kind() == Observation.Kind.REJECTED).findFirst().orElseThrow();
    assertEquals("bookinfo/reviews", refused.key(), "kept in the callee's graph, which alone is certain");
    assertEquals("ambiguous-service-account", refused.reason());
    assertEquals("spiffe://cluster.local/ns/bookinfo/sa/bookinfo-productpage is run by bookinfo/productpage-v1, "
        + "bookinfo/productpage-v2", refused.value());
  }

  @Test
  void aSanThatIsNoWorkloadIdentityNamesNoCaller() {
    Directory directory = accounts(running("bookinfo", "productpage-v1", T));
    for (String san : List.of("spiffe://cluster.local/ns/bookinfo/sa/bookinfo-productpage/extra",
        "spiffe://cluster.local/ns/Bookinfo/sa/bookinfo-productpage", "spiffe://cluster.local/sa/x/ns/bookinfo",
        "https://cluster.local/ns/bookinfo/sa/bookinfo-productpage", "spiffe:///ns/bookinfo/sa/bookinfo-productpage",
        "spiffe://cluster.local/ns/bookinfo/sa/other")) {
      List<Observation> out = extractor.extract(inboundByCertificate(san), directory);
      assertTrue(out.stream().noneMatch(o -> o.kind() == Observation.Kind.EDGE), san + ": " + out);
      for (Observation held : out.stream().filter(o -> o.kind() == Observation.Kind.PENDING_CALLER).toList()) {
        assertEquals(Optional.empty(), extractor.resolvePending(held, directory), san);
      }
    }
  }

  @Test
  void peerMetadataStillComesBeforeTheCertificate() {
    Directory directory = accounts(running("bookinfo", "productpage-v1", T), running("bookinfo", "productpage-v2", T));
    AccessRecord r = EntryNormalizer.http(Entries.inboundHttp(T, 9080, "/", "bookinfo", "productpage", "v2",
        "productpage-v2-pod", "10.44.7.7"), REVIEWS, T).record();

    Observation edge = extractor.extract(r, directory).get(0);
    assertEquals("bookinfo/productpage", edge.key(), "as the peer metadata names it");
    assertEquals("inbound-peer-metadata", edge.provenance());
  }

  @Test
  void aVirtualServiceHostThatRoutesToAnotherServiceIsLearnedBesideIt() {
    List<Observation> out = extract(http("outbound|9080|v2|reviews.bookinfo.svc.cluster.local", "Reviews.Example.com",
        false));

    assertEquals(List.of("reviews.bookinfo.svc.cluster.local outbound-cluster", "reviews.example.com route-authority"),
        out.stream().map(o -> o.host() + " " + o.provenance()).sorted().toList(),
        "without the authority the VirtualService is not imported; without the cluster's host there is no cluster");
    assertTrue(out.stream().allMatch(o -> o.port() == 9080), out.toString());
  }

  @Test
  void aShortNameOfAnotherServiceThatAVirtualServiceRoutesIsExpandedAndLearned() {
    List<Observation> out = extract(http("outbound|9080||ratings-v2.bookinfo.svc.cluster.local", "ratings:9080", false));

    assertEquals(List.of("ratings-v2.bookinfo.svc.cluster.local", "ratings.bookinfo.svc.cluster.local"),
        out.stream().map(Observation::host).sorted().toList());
  }

  @Test
  void theClustersOwnNamesAndAddressesAddNothing() {
    for (String authority : List.of("reviews", "reviews:9080", "reviews.bookinfo", "reviews.bookinfo.svc:9080",
        "REVIEWS.bookinfo.svc.cluster.local.", "10.96.12.7:9080", "[fd00::7]:9080")) {
      List<Observation> out = extract(http("outbound|9080||reviews.bookinfo.svc.cluster.local", authority, false));
      assertEquals(List.of("reviews.bookinfo.svc.cluster.local"), out.stream().map(Observation::host).toList(),
          authority + ": " + out);
    }
  }

  @Test
  void aCallWithNoRouteLearnsOnlyWhatItWasBlockedFrom() {
    List<Observation> out = extract(http("outbound|9080||reviews.bookinfo.svc.cluster.local", "reviews.example.com",
        true));

    assertEquals(List.of("reviews.bookinfo.svc.cluster.local no-route"),
        out.stream().map(o -> o.host() + " " + o.provenance()).toList());
  }

  @Test
  void aJunkAuthorityOnARoutedCallIsRefusedVisibly() {
    List<Observation> out = extract(http("outbound|9080||reviews.bookinfo.svc.cluster.local", "evil_host.example.com",
        false));

    assertEquals(1, out.stream().filter(o -> o.kind() == Observation.Kind.EDGE).count(), out.toString());
    assertTrue(out.stream().anyMatch(o -> o.kind() == Observation.Kind.REJECTED
        && o.value().equals("evil_host.example.com")), out.toString());
  }

  /** An HTTP call from productpage through {@code cluster} with {@code authority}; NR when {@code noRoute}. */
  private static AccessRecord http(String cluster, String authority, boolean noRoute) {
    HTTPAccessLogEntry e = Entries.outboundHttp(T, "x.example.com", 9080, "/", noRoute ? 404 : 200);
    AccessLogCommon.Builder common = e.getCommonProperties().toBuilder().setUpstreamCluster(cluster);
    if (noRoute) {
      common.setResponseFlags(ResponseFlags.newBuilder().setNoRouteFound(true));
    }
    e = e.toBuilder().setCommonProperties(common).setRequest(e.getRequest().toBuilder().setAuthority(authority)).build();
    return EntryNormalizer.http(e, PRODUCTPAGE, T).record();
  }

  @Test
  void anInboundCallWhoseCallerNobodyAnnouncedIsHeldWithWhatResolvesItLater() {
    AccessRecord r = inboundByCertificate("spiffe://cluster.local/ns/bookinfo/sa/bookinfo-productpage");

    Observation held = extractor.extract(r, Directory.EMPTY).stream()
        .filter(o -> o.kind() == Observation.Kind.PENDING_CALLER).findFirst().orElseThrow();
    assertEquals("bookinfo/reviews", held.key(), "kept with the callee, whose graph is certain");
    assertEquals("reviews.bookinfo.svc.cluster.local", held.host());
    assertEquals(9080, held.port());
    assertEquals("10.44.7.7", EdgeExtractor.ip(held.value()));
    assertEquals(Optional.empty(), extractor.resolvePending(held, Directory.EMPTY));

    Observation byIp = extractor.resolvePending(held, ips(running("bookinfo", "productpage", T))).orElseThrow();
    assertEquals("bookinfo/productpage", byIp.key());
    assertEquals("inbound-ip", byIp.provenance());
    assertEquals(T, byIp.at(), "the held entry's time, not the time it was resolved");

    Observation byAccount = extractor.resolvePending(held, accounts(running("bookinfo", "productpage-v1", T)))
        .orElseThrow();
    assertEquals("bookinfo/productpage-v1", byAccount.key());
    assertEquals("inbound-peer-certificate", byAccount.provenance());
  }

  @Test
  void aWaypointsEntryIsLearnedForItsCallerAndOnlyForServicesOfItsNamespace() {
    StreamIdentity waypoint = IdentityParser.parse(
        Entries.identity("waypoint", "bookinfo", "waypoint", null, "waypoint-5f7d9c-x8k2p", "10.44.0.50"));
    HTTPAccessLogEntry e = Entries.inboundHttp(T, 9080, "/reviews/0", "bookinfo", "productpage", "v1",
        "productpage-v1-pod", "10.44.0.12");
    for (String cluster : List.of("inbound-vip|9080|http|reviews.bookinfo.svc.cluster.local",
        "inbound-vip|9080|http|payments.billing.svc.cluster.local")) {
      HTTPAccessLogEntry viaWaypoint = e.toBuilder()
          .setCommonProperties(e.getCommonProperties().toBuilder().setUpstreamCluster(cluster)).build();
      List<Observation> out = extractor.extract(EntryNormalizer.http(viaWaypoint, waypoint, T).record(), Directory.EMPTY);

      Observation about = out.stream().filter(o -> o.key().equals("bookinfo/productpage")).findFirst().orElseThrow();
      if (cluster.contains("reviews")) {
        assertEquals(Observation.Kind.EDGE, about.kind());
        assertEquals("reviews.bookinfo.svc.cluster.local", about.host());
        assertEquals("inbound-peer-metadata", about.provenance());
      } else {
        assertEquals("foreign-inbound-host", about.reason(), "a waypoint could otherwise fill any caller's graph");
      }
    }
    // The same cluster from a proxy that is no waypoint says nothing.
    HTTPAccessLogEntry forged = e.toBuilder().setCommonProperties(e.getCommonProperties().toBuilder()
        .setUpstreamCluster("inbound-vip|9080|http|reviews.bookinfo.svc.cluster.local")).build();
    assertTrue(extractor.extract(EntryNormalizer.http(forged, PRODUCTPAGE, T).record(), Directory.EMPTY).stream()
        .allMatch(o -> o.kind() == Observation.Kind.PRESENCE));
  }

  /** An inbound call whose caller sent no peer metadata from an IP nobody announced, over mTLS. */
  private static AccessRecord inboundByCertificate(String san) {
    HTTPAccessLogEntry e = Entries.inboundHttp(T, 9080, "/", "x", "x", null, "x", "10.44.7.7");
    AccessLogCommon.Builder common = e.getCommonProperties().toBuilder().clearFilterStateObjects()
        .setTlsProperties(TLSProperties.newBuilder().setPeerCertificateProperties(
            TLSProperties.CertificateProperties.newBuilder().addSubjectAltName(
                TLSProperties.CertificateProperties.SubjectAltName.newBuilder().setUri(san))));
    return EntryNormalizer.http(e.toBuilder().setCommonProperties(common).build(), REVIEWS, T).record();
  }

  private static WorkloadAddress running(String ns, String name, Instant seenAt) {
    return new WorkloadAddress(null, WorkloadRef.of(ns, name, Map.of()), "sidecar", seenAt);
  }

  /** A directory where every given workload announced the account {@code bookinfo-productpage}. */
  private static Directory accounts(WorkloadAddress... announced) {
    return directory(null, List.of(announced));
  }

  /** A directory where 10.44.7.7 is {@code announced}'s. */
  private static Directory ips(WorkloadAddress announced) {
    return directory(announced, List.of());
  }

  private static Directory directory(WorkloadAddress at10447, List<WorkloadAddress> productpageAccount) {
    return new Directory() {
      @Override
      public Optional<WorkloadAddress> byIp(String ip) {
        return ip.equals("10.44.7.7") ? Optional.ofNullable(at10447) : Optional.empty();
      }

      @Override
      public List<WorkloadAddress> byServiceAccount(String namespace, String serviceAccount) {
        return namespace.equals("bookinfo") && serviceAccount.equals("bookinfo-productpage")
            ? productpageAccount : List.of();
      }

      @Override
      public boolean isNamespace(String namespace) {
        return false;
      }
    };
  }

  private List<Observation> extract(AccessRecord r) {
    return extractor.extract(r, Directory.EMPTY);
  }

  private static Observation only(List<Observation> out) {
    assertEquals(1, out.size(), out.toString());
    return out.get(0);
  }

  /** A TCP entry as a sidecar's outbound listener logs it; {@code sni} null for none. */
  private static AccessRecord tcp(String cluster, String ip, int port, String sni) {
    AccessLogCommon.Builder common = AccessLogCommon.newBuilder()
        .setUpstreamCluster(cluster)
        .setStartTime(Timestamp.newBuilder().setSeconds(T.getEpochSecond()))
        .setDownstreamRemoteAddress(address("10.44.0.12", 40312))
        .setDownstreamLocalAddress(address(ip, port))
        .setUpstreamRemoteAddress(address(ip, port));
    if (sni != null) {
      common.setTlsProperties(TLSProperties.newBuilder().setTlsSniHostname(sni));
    }
    TCPAccessLogEntry e = TCPAccessLogEntry.newBuilder().setCommonProperties(common)
        .setConnectionProperties(ConnectionProperties.newBuilder().setReceivedBytes(900).setSentBytes(4200)).build();
    return EntryNormalizer.tcp(e, PRODUCTPAGE, T).record();
  }

  private static Address address(String ip, int port) {
    return Address.newBuilder().setSocketAddress(SocketAddress.newBuilder().setAddress(ip).setPortValue(port)).build();
  }
}
