package io.meshscope.receiver.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.accesslog.v3.StreamAccessLogsMessage.Identifier;
import io.meshscope.client.simulate.Entries;
import io.meshscope.schemas.Reporter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IdentityParserTest {

  @Test
  void sidecarIdentityGivesCanonicalNameSelectorAndAllFields() {
    StreamIdentity id = IdentityParser.parse(
        Entries.identity("sidecar", "bookinfo", "reviews", "v2", "reviews-v2-7d7f9bd5c-x2x4z", "10.44.1.9"));
    Reporter r = id.reporter();
    assertEquals("sidecar", r.role());
    assertEquals("bookinfo/reviews", r.workload().key());
    assertEquals(Map.of("service.istio.io/canonical-name", "reviews"), r.workload().selector());
    assertEquals("reviews-v2-7d7f9bd5c-x2x4z", r.pod());
    assertEquals(List.of("10.44.1.9"), r.ips());
    assertEquals("1.30.3", r.istioVersion());
    assertEquals("Kubernetes", r.clusterId());
    assertEquals("bookinfo-reviews", r.serviceAccount());
    assertEquals("http_envoy_accesslog", id.logName());
    assertEquals(List.of(), id.rejections());
  }

  @Test
  void gatewayIsARouter() {
    StreamIdentity id = IdentityParser.parse(Entries.identity("router", "istio-system", "istio-ingressgateway", null,
        "istio-ingressgateway-699c7dc774-hjxq5", "10.44.2.56"));
    assertEquals("router", id.reporter().role());
    assertEquals("istio-system/istio-ingressgateway", id.reporter().workload().key());
  }

  @Test
  void labelPrecedenceIsCanonicalNameThenAppKubernetesIoNameThenApp() {
    Identifier id = withLabels(Map.of("app", "a", "app.kubernetes.io/name", "k"));
    assertEquals(Map.of("app.kubernetes.io/name", "k"), IdentityParser.parse(id).reporter().workload().selector());
    id = withLabels(Map.of("app", "a"));
    assertEquals(Map.of("app", "a"), IdentityParser.parse(id).reporter().workload().selector());
  }

  @Test
  void withoutANameLabelTheWorkloadNameIsUsedAndTheSelectorStaysEmpty() {
    Identifier id = withLabels(Map.of("tier", "backend"));
    Reporter r = IdentityParser.parse(id).reporter();
    assertEquals("shop/cart-v1", r.workload().key());
    assertTrue(r.workload().selector().isEmpty(), "no label named the workload, so no selector");
  }

  @Test
  void namespaceFallsBackToTheNodeId() {
    Node node = Node.newBuilder().setId("sidecar~10.1.1.0~v0.default~default.svc.cluster.local")
        .setMetadata(Struct.newBuilder().putFields("WORKLOAD_NAME", str("v0"))).build();
    Reporter r = IdentityParser.parse(Identifier.newBuilder().setNode(node).build()).reporter();
    assertEquals("default/v0", r.workload().key());
    assertEquals("v0", r.pod());
    assertEquals(List.of("10.1.1.0"), r.ips());
  }

  @Test
  void istio11FlattenedLabelsAreRead() {
    Struct meta = Struct.newBuilder()
        .putFields("CONFIG_NAMESPACE", str("default"))
        .putFields("ISTIO_META_INSTANCE_IPS", str("172.18.0.8"))
        .putFields("POD_NAME", str("productpage-v1-65576bb7bf-4mzsp"))
        .putFields("app", str("productpage"))
        .putFields("version", str("v1")).build();
    Node node = Node.newBuilder().setId("sidecar~172.18.0.8~productpage-v1-65576bb7bf-4mzsp.default~default.svc.cluster.local")
        .setMetadata(meta).build();
    Reporter r = IdentityParser.parse(Identifier.newBuilder().setNode(node).build()).reporter();
    assertEquals("default/productpage", r.workload().key());
    assertEquals(Map.of("app", "productpage"), r.workload().selector());
    assertEquals(List.of("172.18.0.8"), r.ips());
  }

  /**
   * As Istio 1.1 and 1.2's agent built a gateway's node (pkg/bootstrap/bootstrap_config.go
   * getNodeMetaData, the gateways chart's env): every value a string, no labels, no WORKLOAD_NAME,
   * "istio" set to "sidecar" on every proxy, the instance IPs under their prefixed key.
   */
  @Test
  void istio12GatewayIsNamedByItsServiceCluster() {
    Struct meta = Struct.newBuilder()
        .putFields("ISTIO_PROXY_VERSION", str("1.1.3"))
        .putFields("ISTIO_VERSION", str("1.2.0"))
        .putFields("POD_NAME", str("istio-ingressgateway-5d4f7c8b9-x2x4z"))
        .putFields("CONFIG_NAMESPACE", str("istio-system"))
        .putFields("ROUTER_MODE", str("sni-dnat"))
        .putFields("ISTIO_META_INSTANCE_IPS", str("10.8.1.7,10.8.1.7"))
        .putFields("istio", str("sidecar")).build();
    Node node = Node.newBuilder()
        .setId("router~10.8.1.7~istio-ingressgateway-5d4f7c8b9-x2x4z.istio-system~istio-system.svc.cluster.local")
        .setCluster("istio-ingressgateway").setMetadata(meta).build();

    StreamIdentity id = IdentityParser.parse(Identifier.newBuilder().setNode(node).build());

    assertTrue(id.known(), id.rejections().toString());
    Reporter r = id.reporter();
    assertEquals("router", r.role());
    assertEquals("istio-system/istio-ingressgateway", r.workload().key());
    assertEquals(Map.of(), r.workload().selector(), "no label named it");
    assertEquals(Map.of(), r.labels(), "\"istio: sidecar\" is the agent's, not the pod's");
    assertEquals(List.of("10.8.1.7"), r.ips());
    assertEquals("istio-ingressgateway-5d4f7c8b9-x2x4z", r.pod());
  }

  @Test
  void istio11SidecarWithoutAnAppLabelIsNamedByItsServiceClusterAndGetsNoSelector() {
    Struct meta = Struct.newBuilder()
        .putFields("CONFIG_NAMESPACE", str("shop"))
        .putFields("ISTIO_META_INSTANCE_IPS", str("10.8.2.9"))
        .putFields("POD_NAME", str("cart-6c9d-abcde"))
        .putFields("tier", str("backend"))
        .putFields("istio", str("sidecar")).build();
    Node node = Node.newBuilder().setId("sidecar~10.8.2.9~cart-6c9d-abcde.shop~shop.svc.cluster.local")
        .setCluster("cart.shop").setMetadata(meta).build();

    Reporter r = IdentityParser.parse(Identifier.newBuilder().setNode(node).build()).reporter();

    assertEquals("shop/cart", r.workload().key());
    assertEquals(Map.of(), r.workload().selector());
    assertEquals(Map.of("tier", "backend"), r.labels());
  }

  @Test
  void hostileNamespaceRefusesTheIdentity() {
    Node node = Node.newBuilder().setId("sidecar~1.2.3.4~p.ns~ns.svc.cluster.local")
        .setMetadata(Struct.newBuilder().putFields("NAMESPACE", str("Evil/../ns"))
            .putFields("WORKLOAD_NAME", str("w"))).build();
    StreamIdentity id = IdentityParser.parse(Identifier.newBuilder().setNode(node).build());
    assertFalse(id.known());
    assertNull(id.reporter());
    assertTrue(id.rejections().contains(Rejection.INVALID_IDENTITY));
  }

  @Test
  void controlCharactersInALabelAreRefusedAndCounted() {
    Identifier id = withLabels(Map.of("app", "cart", "note", "line1\nline2"));
    StreamIdentity parsed = IdentityParser.parse(id);
    assertEquals("shop/cart", parsed.reporter().workload().key());
    assertFalse(parsed.reporter().labels().containsKey("note"));
    assertEquals(List.of(Rejection.CONTROL_CHARACTERS), parsed.rejections());
  }

  @Test
  void keepsOnlyMeshscopesOwnAnnotationsAndDoesNotCountTheOthers() {
    Struct meta = withLabels(Map.of("app", "cart")).getNode().getMetadata().toBuilder()
        .putFields("ANNOTATIONS", Value.newBuilder().setStructValue(Entries.struct(Map.of(
            "sidecar.meshscope.io/mode", "adaptive",
            "kubectl.kubernetes.io/last-applied-configuration", "{" + "\"x\": 1, ".repeat(400) + "}",
            "prometheus.io/scrape", "true",
            "sidecar.meshscope.io/anything-else", "x"))).build()).build();
    StreamIdentity id = IdentityParser.parse(Identifier.newBuilder().setNode(Node.newBuilder()
        .setId("sidecar~10.0.0.1~cart-v1-abc.shop~shop.svc.cluster.local").setMetadata(meta)).build());
    assertEquals(Map.of("sidecar.meshscope.io/mode", "adaptive"), id.reporter().annotations());
    assertEquals(List.of(), id.rejections(), "a long annotation of someone else's is not a rejection");
  }

  @Test
  void unknownNodeTypeIsOther() {
    Node node = Node.newBuilder().setId("gizmo~1.2.3.4~p.shop~shop.svc.cluster.local")
        .setMetadata(Struct.newBuilder().putFields("WORKLOAD_NAME", str("g"))).build();
    assertEquals("other", IdentityParser.parse(Identifier.newBuilder().setNode(node).build()).reporter().role());
  }

  private static Identifier withLabels(Map<String, String> labels) {
    Struct meta = Struct.newBuilder()
        .putFields("NAMESPACE", str("shop"))
        .putFields("WORKLOAD_NAME", str("cart-v1"))
        .putFields("LABELS", Value.newBuilder().setStructValue(Entries.struct(labels)).build()).build();
    return Identifier.newBuilder().setNode(Node.newBuilder()
        .setId("sidecar~10.0.0.1~cart-v1-abc.shop~shop.svc.cluster.local").setMetadata(meta)).build();
  }

  private static Value str(String s) {
    return Value.newBuilder().setStringValue(s).build();
  }
}
