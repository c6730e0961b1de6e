package io.meshscope.schemas;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** One instance of each topic type with every optional field set, so schema tests see every field. */
public final class SampleRecords {
  private SampleRecords() {}

  public static final Instant T0 = Instant.parse("2026-11-20T10:15:30.123456789Z");
  public static final Instant T1 = Instant.parse("2026-11-21T08:00:00Z");

  public static WorkloadRef productpage() {
    return WorkloadRef.of("bookinfo", "productpage", Map.of("app", "productpage"));
  }

  public static AccessRecord accessRecord() {
    Reporter reporter = new Reporter(
        "sidecar",
        "sidecar~10.44.0.12~productpage-v1-65576bb7bf-4mzsp.bookinfo~bookinfo.svc.cluster.local",
        productpage(),
        "productpage-v1-65576bb7bf-4mzsp",
        List.of("10.44.0.12"),
        Map.of("app", "productpage", "version", "v1", "service.istio.io/canonical-name", "productpage"),
        "1.30.3",
        "Kubernetes",
        "bookinfo-productpage",
        Map.of("sidecar.meshscope.io/mode", "adaptive"));
    return new AccessRecord(
        AccessRecord.CURRENT_VERSION,
        T0,
        T1,
        reporter,
        "http_envoy_accesslog",
        "HTTP",
        "HTTP11",
        new UpstreamCluster("outbound|9080||reviews.bookinfo.svc.cluster.local", "outbound", 9080, "v2",
            "reviews.bookinfo.svc.cluster.local"),
        "10.44.0.12:51234",
        "10.96.12.7:9080",
        "10.44.0.12:51234",
        "10.44.1.9:9080",
        new HttpRequest("GET", "http", "reviews:9080", "/reviews/0"),
        200,
        "via_upstream",
        List.of("UF"),
        0,
        358,
        4512L,
        "default",
        List.of("spiffe://cluster.local/ns/bookinfo/sa/bookinfo-reviews"),
        "reviews.bookinfo.svc.cluster.local",
        new PeerMetadata("upstream_peer", "bookinfo", "reviews-v2", "reviews-v2-7d7f9bd5c-x2x4z",
            "bookinfo-reviews", "Kubernetes", Map.of("app", "reviews", "version", "v2")),
        new PeerMetadata("wasm.downstream_peer", "istio-system", "istio-ingressgateway",
            "istio-ingressgateway-699c7dc774-hjxq5", "istio-ingressgateway-service-account", "Kubernetes",
            Map.of("app", "istio-ingressgateway")),
        List.of("AUTHORITY_TRUNCATED"));
  }

  public static DependencyGraph dependencyGraph() {
    Edge reviews = new Edge("reviews.bookinfo.svc.cluster.local", T0, T1, 42, Set.of(9080), Set.of("HTTP"),
        Set.of("outbound-cluster", "fallback-authority"), false, T0);
    Edge blocked = new Edge("api.example.com", T1, T1, 1, Set.of(443), Set.of("TCP"),
        Set.of("blackhole"), true, T0);
    return new DependencyGraph(
        DependencyGraph.CURRENT_VERSION,
        productpage(),
        "sidecar",
        7,
        T1,
        T0,
        T1,
        List.of(blocked, reviews),
        List.of(new RejectedHost("10.0.0.1", "ip-literal", 3, T1)),
        2,
        "no name label is on every instance: app=productpage on 1 of 2",
        "adaptive",
        "annotation sidecar.meshscope.io/mode on 2 of 2 pods");
  }

  public static SidecarRecommendation sidecarRecommendation() {
    HostChange added = new HostChange("./reviews.bookinfo.svc.cluster.local", "reviews.bookinfo.svc.cluster.local",
        T0, T1, 42, Set.of("outbound-cluster"));
    HostChange removed = new HostChange("*/api.example.com", "api.example.com", T0, T0, 1, Set.of("blackhole"));
    return new SidecarRecommendation(
        SidecarRecommendation.CURRENT_VERSION,
        productpage(),
        "emitted",
        "no outbound calls yet",
        7,
        T1,
        "recommend",
        "apiVersion: networking.istio.io/v1\nkind: Sidecar\n",
        new ChangeSummary("change", List.of(added), List.of(removed), 2, new WhatIf(120, 4, 96.7), List.of("api.example.com"), 3,
            List.of("./ratings.bookinfo.svc.cluster.local")),
        "generator config (mode)");
  }

  public static MeshReport meshReport() {
    MeshReport.Range range = new MeshReport.Range(1_000, 2_000);
    MeshReport.Footprint all = new MeshReport.Footprint(5, 6, 9, 4, new MeshReport.Range(30_000_000, 60_000_000));
    MeshReport.Footprint scoped = new MeshReport.Footprint(2, 2, 4, 2, new MeshReport.Range(25_000_000, 50_000_000));
    return new MeshReport(
        MeshReport.CURRENT_VERSION,
        T1,
        T0,
        T1,
        new MeshReport.Inventory("logs", 5, 6, true, List.of("only services some call reached are known")),
        new MeshReport.CostModel(range, range, range, range, List.of("Envoy stats_integration_test")),
        new MeshReport.Totals(1, 2, 2, all, scoped, 66.7, 16.7),
        List.of(new MeshReport.WorkloadPayoff("bookinfo/productpage", "sidecar", 2, "none", "no Sidecar published yet", all,
            all)),
        List.of(new MeshReport.ExportToAdvice("ratings.bookinfo.svc.cluster.local", "bookinfo", List.of(9080),
            List.of("bookinfo/reviews"), 3, range, "calls from outside bookinfo fail")),
        List.of(new MeshReport.NamespaceAdvice("bookinfo", List.of("ratings.bookinfo.svc.cluster.local"),
            List.of("bookinfo/reviews -> ratings.bookinfo.svc.cluster.local"), 3, range, "calls break")));
  }
}
