package io.meshscope.analyzer.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.envoyproxy.envoy.data.accesslog.v3.TCPAccessLogEntry;
import io.meshscope.client.simulate.Entries;
import io.meshscope.receiver.domain.EntryNormalizer;
import io.meshscope.receiver.domain.IdentityParser;
import io.meshscope.receiver.domain.StreamIdentity;
import io.meshscope.schemas.AccessRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The entries an adaptive Sidecar's call through the fallback egress proxy leaves
 * (docs/adaptive.md, "What is learned"), made as the receiver makes them.
 */
class FallbackEdgeRulesTest {
  private static final Instant T = Instant.parse("2026-03-01T10:00:00Z");
  private static final String FALLBACK_HOST = "istio-axds-egressgateway.istio-system.svc.cluster.local";
  private static final StreamIdentity PRODUCTPAGE = IdentityParser.parse(
      Entries.identity("sidecar", "bookinfo", "productpage", null, "productpage-v1-pod", "10.44.0.12"));
  private static final StreamIdentity REVIEWS = IdentityParser.parse(
      Entries.identity("sidecar", "bookinfo", "reviews", null, "reviews-v1-pod", "10.44.0.30"));
  private static final StreamIdentity FALLBACK = IdentityParser.parse(Entries.identity("sidecar", "istio-system",
      "istio-axds-egressgateway", null, "istio-axds-egressgateway-5d9c-x2x4z", "10.44.0.3"));
  private final EdgeExtractor extractor = new EdgeExtractor(new HostNormalizer("cluster.local"),
      Set.of("istio-system/istio-axds-egressgateway"), Duration.ofDays(7));

  @Test
  void theCallersOwnEntryNamesTheHostItMeantNotTheFallback() {
    AccessRecord r = EntryNormalizer.http(
        Entries.throughFallback(T, "reviews.bookinfo.svc.cluster.local", 9080, "/reviews/0", FALLBACK_HOST),
        PRODUCTPAGE, T).record();
    assertEquals("allow_any", r.routeName(), "the catch-all route sent it");

    Observation edge = only(extractor.extract(r, Directory.EMPTY));
    assertEquals(Observation.Kind.EDGE, edge.kind());
    assertEquals("bookinfo/productpage", edge.key());
    assertEquals("reviews.bookinfo.svc.cluster.local", edge.host(), "the short authority, expanded");
    assertEquals(9080, edge.port());
    assertEquals("fallback-authority", edge.provenance());
    assertFalse(edge.urgent(), "the call worked through the fallback: the debounce applies");
  }

  @Test
  void aCallMeantForTheFallbackItselfIsAnOrdinaryEdge() {
    AccessRecord r = EntryNormalizer.http(Entries.outboundHttp(T, FALLBACK_HOST, 80, "/healthz", 200),
        PRODUCTPAGE, T).record();
    Observation edge = only(extractor.extract(r, Directory.EMPTY));
    assertEquals(FALLBACK_HOST, edge.host());
    assertEquals("outbound-cluster", edge.provenance());
  }

  @Test
  void plainTcpThroughTheFallbackNamesNoHostAndShowsWhereItWent() {
    TCPAccessLogEntry e = Entries.outboundTcp(T, FALLBACK_HOST, 6379, 10, 20);
    // The TCP catch-all sends it to the egress proxy's cluster; the local address is the original destination.
    e = e.toBuilder().setCommonProperties(e.getCommonProperties().toBuilder()
        .setUpstreamCluster("outbound|80||" + FALLBACK_HOST)).build();
    AccessRecord r = EntryNormalizer.tcp(e, PRODUCTPAGE, T).record();
    Observation o = only(extractor.extract(r, Directory.EMPTY));
    assertEquals(Observation.Kind.REJECTED, o.kind());
    assertEquals("tcp-through-fallback", o.reason());
    assertEquals("10.96.0.20:6379", o.value());
  }

  @Test
  void theFallbacksInboundEntryIsLearnedForItsCallerInTheCallersNamespace() {
    AccessRecord r = EntryNormalizer.http(Entries.fallbackInbound(T, "ratings:9080", "bookinfo", "reviews", "v2",
        "reviews-v2-pod", "10.44.0.31"), FALLBACK, T).record();
    List<Observation> out = extractor.extract(r, Directory.EMPTY);

    Observation edge = out.get(0);
    assertEquals("bookinfo/reviews", edge.key(), "the downstream peer called");
    assertEquals("ratings.bookinfo.svc.cluster.local", edge.host());
    assertEquals(9080, edge.port());
    assertEquals("egress-gateway", edge.provenance());
    Observation presence = out.get(1);
    assertEquals("istio-system/istio-axds-egressgateway", presence.key());
    assertEquals(Observation.Kind.PRESENCE, presence.kind(), "nothing learned for the fallback");
    assertEquals(ModeRequest.FALLBACK_PROXY, presence.instance().mode(), "it must never get a Sidecar");
  }

  @Test
  void theFallbacksOnwardCallAndTheCalleesViewOfItTeachNothing() {
    AccessRecord onward = EntryNormalizer.http(Entries.outboundHttp(T, "ratings.bookinfo.svc.cluster.local", 9080,
        "/", 200), FALLBACK, T).record();
    Observation o = only(extractor.extract(onward, Directory.EMPTY));
    assertEquals(Observation.Kind.PRESENCE, o.kind());

    AccessRecord seenByCallee = EntryNormalizer.http(Entries.inboundHttp(T, 9080, "/", "istio-system",
        "istio-axds-egressgateway", null, "istio-axds-egressgateway-5d9c-x2x4z", "10.44.0.3"), REVIEWS, T).record();
    Observation callee = only(extractor.extract(seenByCallee, Directory.EMPTY));
    assertEquals(Observation.Kind.PRESENCE, callee.kind());
    assertEquals("bookinfo/reviews", callee.key());
  }

  @Test
  void aPeerTheCertificateDoesNotVouchForIsNotCredited() {
    // A pod of namespace "evil" sends peer metadata naming bookinfo/reviews: its certificate says evil.
    var e = Entries.fallbackInbound(T, "api.example.com", "bookinfo", "reviews", null, "reviews-v1-pod", "10.44.0.30");
    e = e.toBuilder().setCommonProperties(e.getCommonProperties().toBuilder().setTlsProperties(
        io.envoyproxy.envoy.data.accesslog.v3.TLSProperties.newBuilder().setPeerCertificateProperties(
            io.envoyproxy.envoy.data.accesslog.v3.TLSProperties.CertificateProperties.newBuilder().addSubjectAltName(
                io.envoyproxy.envoy.data.accesslog.v3.TLSProperties.CertificateProperties.SubjectAltName.newBuilder()
                    .setUri("spiffe://cluster.local/ns/evil/sa/default"))))).build();
    List<Observation> out = extractor.extract(EntryNormalizer.http(e, FALLBACK, T).record(), Directory.EMPTY);
    Observation o = out.get(0);
    assertEquals(Observation.Kind.REJECTED, o.kind());
    assertEquals("istio-system/istio-axds-egressgateway", o.key(), "nothing for reviews");
    assertEquals("caller-not-certified", o.reason());
    assertEquals("bookinfo/reviews with a certificate of namespace evil", o.value());
    assertTrue(out.stream().noneMatch(x -> x.kind() == Observation.Kind.EDGE), out.toString());
  }

  @Test
  void aCallTheFallbackCouldNotCarryIsUrgent() {
    var e = Entries.throughFallback(T, "reviews.bookinfo.svc.cluster.local", 9080, "/", FALLBACK_HOST);
    e = e.toBuilder().setCommonProperties(e.getCommonProperties().toBuilder().setResponseFlags(
        io.envoyproxy.envoy.data.accesslog.v3.ResponseFlags.newBuilder().setNoHealthyUpstream(true))).build();
    Observation edge = only(extractor.extract(EntryNormalizer.http(e, PRODUCTPAGE, T).record(), Directory.EMPTY));
    assertEquals("reviews.bookinfo.svc.cluster.local", edge.host());
    assertTrue(edge.urgent(), "the fallback is down: the call fails as if blocked");
  }

  @Test
  void aForgedAuthorityAtTheFallbackIsRefusedLikeAnyOther() {
    AccessRecord r = EntryNormalizer.http(Entries.fallbackInbound(T, "10.0.0.1:80", "bookinfo", "reviews", null,
        "reviews-v1-pod", "10.44.0.30"), FALLBACK, T).record();
    Observation o = extractor.extract(r, Directory.EMPTY).get(0);
    assertEquals(Observation.Kind.REJECTED, o.kind());
    assertEquals("ip-literal", o.reason());
    assertEquals("bookinfo/reviews", o.key());
  }

  @Test
  void aPodsModeIsItsLabelElseItsAnnotation() {
    StreamIdentity annotated = IdentityParser.parse(Entries.identity("sidecar", "shop", "cart", null, "cart-pod",
        "10.44.0.40", Map.of(ModeRequest.KEY, "adaptive")));
    assertEquals(new ModeRequest("annotation", "adaptive"), Instance.of(annotated.reporter()).mode());
    assertNull(Instance.of(PRODUCTPAGE.reporter()).mode());
  }

  private static Observation only(List<Observation> out) {
    assertEquals(1, out.size(), out.toString());
    return out.get(0);
  }
}
