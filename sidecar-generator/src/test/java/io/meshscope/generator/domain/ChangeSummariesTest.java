package io.meshscope.generator.domain;

import static io.meshscope.generator.domain.Bookinfo.svc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshscope.schemas.ChangeSummary;
import io.meshscope.schemas.Edge;
import io.meshscope.schemas.HostChange;
import io.meshscope.schemas.WhatIf;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ChangeSummariesTest {

  private final SidecarRenderer renderer = SidecarRenderer.builder()
      .pinnedHosts("bookinfo/productpage", List.of("*.googleapis.com", svc("details")))
      .build();
  private final EgressHostMapper mapper = renderer.mapper();

  @Test
  void configuredHostsCarryTheirOriginInsteadOfEvidence() {
    RenderedSidecar sidecar = (RenderedSidecar) renderer.render(Graphs.graph("bookinfo", "productpage", 1,
        Graphs.edge(svc("details"))));

    ChangeSummary summary = ChangeSummaries.between(null, sidecar, EmitTrigger.FIRST, MeshServices.of(List.of(), mapper));

    assertEquals(List.of(
        new HostChange("*/*.googleapis.com", "*.googleapis.com", null, null, 0, Set.of("pinned")),
        new HostChange("./details.bookinfo.svc.cluster.local", svc("details"), Graphs.T0, Graphs.T0.plusSeconds(60), 1,
            Set.of("outbound-cluster", "pinned")),
        new HostChange("istio-system/*", "*", null, null, 0, Set.of("default"))), summary.added());
    assertEquals(new WhatIf(0, 0, 0.0), summary.whatIf());
  }

  @Test
  void theWhatIfCountsTheServicesTheEntriesImport() {
    MeshServices mesh = MeshServices.of(List.of(
        svc("details"), svc("reviews"), svc("ratings"),
        "istiod.istio-system.svc.cluster.local",
        "httpbin.other.svc.cluster.local",
        "storage.googleapis.com", "pubsub.googleapis.com", "api.example.com",
        "10.0.0.1", "NOT-A-HOST"), mapper);

    assertEquals(8, mesh.size(), "invalid hosts are no services");
    assertEquals(new WhatIf(8, 6, 25.0), mesh.whatIf("bookinfo",
        List.of("./details.bookinfo.svc.cluster.local", "*/*.googleapis.com", "istio-system/*", "./*")));
    assertEquals(new WhatIf(8, 1, 87.5), mesh.whatIf("other", List.of("./*")));
    assertEquals(new WhatIf(8, 0, 100.0), mesh.whatIf("bookinfo", List.of("~/*")));
    assertEquals(new WhatIf(3, 1, 66.7), MeshServices.of(List.of(svc("a"), svc("b"), svc("c")), mapper)
        .whatIf("bookinfo", List.of("./a.bookinfo.svc.cluster.local")));
  }

  @Test
  void theTextEscapesWhatCameFromLogs() {
    ChangeSummary summary = new ChangeSummary("change",
        List.of(new HostChange("*/api.example.com", "api.example.com", Graphs.T0, Graphs.T0, 1,
            Set.of("passthrough-authority\n- forged line"))),
        List.of(), 0, null, List.of(), 0);

    assertEquals("""
        Sidecar bookinfo/productpage (trigger: change)
        added: 1
          + */api.example.com  1 call, first seen 2025-03-01T09:00:00Z, last seen 2025-03-01T09:00:00Z, via passthrough-authority\\u000a- forged line
        removed: 0
        unchanged: 0 hosts
        """, ChangeSummaryText.render(Graphs.workload("bookinfo", "productpage"), summary));
  }

  @Test
  void hostsReachedOnlyThroughPassthroughAreNamedAsNeedingAServiceEntry() {
    RenderedSidecar sidecar = (RenderedSidecar) SidecarRenderer.builder().defaultHosts(List.of()).build().render(
        Graphs.graph("bookinfo", "productpage", 1,
            via("api.stripe.com", "passthrough-sni"),
            via("blocked.example.com", "blackhole"),
            via("storage.googleapis.com", "outbound-cluster"),
            via("reviews.example.com", "route-authority"),
            via("www.example.org", "passthrough-authority", "outbound-cluster"),
            via(svc("ratings"), "passthrough-authority")));

    ChangeSummary summary = ChangeSummaries.between(null, sidecar, EmitTrigger.FIRST, MeshServices.of(List.of(), mapper));

    assertEquals(List.of("api.stripe.com", "blocked.example.com"), summary.outsideRegistry(),
        "a ServiceEntry's cluster, a VirtualService host and a mesh service are in the registry");
    String text = ChangeSummaryText.render(sidecar.workload(), summary);
    assertTrue(text.endsWith("outside the registry (reached through PassthroughCluster; in a REGISTRY_ONLY mesh each "
        + "needs a ServiceEntry): api.stripe.com, blocked.example.com\n"), text);
  }

  private static Edge via(String host, String... provenance) {
    return new Edge(host, Graphs.T0, Graphs.T0, 1, Set.of(443), Set.of("TCP"), Set.of(provenance), false);
  }

  @Test
  void aWorkloadThatCallsNothingSaysSo() {
    RenderedSidecar none = (RenderedSidecar) SidecarRenderer.builder().defaultHosts(List.of()).build()
        .render(Bookinfo.details());

    ChangeSummary summary = ChangeSummaries.between(null, none, EmitTrigger.FIRST, MeshServices.of(List.of(svc("x")), mapper));

    assertEquals("""
        Sidecar bookinfo/details (trigger: first)
        added: 1
          + ~/*  (imports nothing: no calls seen, no hosts configured)
        removed: 0
        unchanged: 0 hosts
        selector: app=details, which selects the 1 instance that reported within the edge TTL
        what-if: without this Sidecar the proxy receives configuration for 1 service, with it for 0: 100.0% less (counting only services the logs showed called; megabytes in mesh-report.md)
        """, ChangeSummaryText.render(none.workload(), summary));
    assertNull(summary.added().get(0).firstSeen());
  }
}
