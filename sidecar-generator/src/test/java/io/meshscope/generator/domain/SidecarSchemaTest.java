package io.meshscope.generator.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import io.meshscope.schemas.DependencyGraph;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Generated Sidecars against the CRD's v1 schema, and proof that the check can fail. */
class SidecarSchemaTest {

  private static final SidecarRenderer ADAPTIVE = SidecarRenderer.builder()
      .mode(GeneratorMode.ADAPTIVE)
      .egressProxy("istio-egressgateway.istio-system.svc.cluster.local", 443)
      .pinnedHosts("bookinfo/productpage", List.of("api.example.com", "monitoring/*", "*.googleapis.com"))
      .build();

  static Stream<String> generated() {
    Stream<DependencyGraph> graphs = Stream.concat(Bookinfo.all().stream(), Stream.of(
        Graphs.graph("shop", "cart", 4, Graphs.edge(Bookinfo.svc("details")), Graphs.edge("api.stripe.com"),
            Graphs.edge("*.s3.amazonaws.com"))));
    return graphs.flatMap(g -> Stream.of(SidecarRenderer.builder().build(), ADAPTIVE,
            SidecarRenderer.builder().defaultHosts(List.of()).build())
        .map(r -> BookinfoGoldenTest.sidecar(r, g).yaml()));
  }

  @ParameterizedTest
  @MethodSource("generated")
  void everyGeneratedSidecarValidates(String yaml) {
    CrdSchema.assertValid(yaml);
  }

  @Test
  void theReferenceExamplesValidate() {
    // The schema as adjusted here still accepts what Istio documents.
    for (String example : List.of("01-default.yaml", "03-ratings.yaml", "04-no-ip-tables.yaml",
        "06-partial-ip-tables.yaml", "08-connection-pool-settings.yaml")) {
      String yaml = Golden.read("/istio/examples/" + example);
      List<Error> errors = CrdSchema.validate(CrdSchema.readYaml(yaml));
      assertEquals(List.of(), errors, example);
    }
  }

  @Test
  void refusesAnEgressListenerWithoutHosts() {
    ObjectNode sidecar = valid();
    ((ObjectNode) sidecar.path("spec").path("egress").path(0)).remove("hosts");
    assertRefused(sidecar, "required");
  }

  @Test
  void refusesAnUnknownOutboundTrafficMode() {
    ObjectNode sidecar = adaptive();
    ((ObjectNode) sidecar.path("spec").path("outboundTrafficPolicy")).put("mode", "SOMETIMES");
    assertRefused(sidecar, "enum");
  }

  @Test
  void refusesAnEgressProxyWithoutHost() {
    ObjectNode sidecar = adaptive();
    ((ObjectNode) sidecar.path("spec").path("outboundTrafficPolicy").path("egressProxy")).remove("host");
    assertRefused(sidecar, "required");
  }

  @Test
  void refusesAMisspelledField() {
    ObjectNode sidecar = valid();
    ObjectNode spec = (ObjectNode) sidecar.path("spec");
    spec.set("egres", spec.remove("egress"));
    assertRefused(sidecar, "additionalProperties");
  }

  @Test
  void refusesAHostThatIsNotAString() {
    ObjectNode sidecar = valid();
    ((ArrayNode) sidecar.path("spec").path("egress").path(0).path("hosts")).add(7);
    assertRefused(sidecar, "type");
  }

  @Test
  void refusesAWrongKindAndAMissingName() {
    ObjectNode wrongKind = valid();
    wrongKind.put("kind", "Gateway");
    assertRefused(wrongKind, "enum");
    ObjectNode noName = valid();
    ((ObjectNode) noName.path("metadata")).remove("name");
    assertRefused(noName, "required");
  }

  private static ObjectNode valid() {
    ObjectNode sidecar = (ObjectNode) CrdSchema.assertValid(
        BookinfoGoldenTest.sidecar(SidecarRenderer.builder().build(), Bookinfo.productpage()).yaml());
    return sidecar;
  }

  private static ObjectNode adaptive() {
    return (ObjectNode) CrdSchema.assertValid(BookinfoGoldenTest.sidecar(ADAPTIVE, Bookinfo.productpage()).yaml());
  }

  private static void assertRefused(JsonNode sidecar, String keyword) {
    List<Error> errors = CrdSchema.validate(sidecar);
    assertFalse(errors.isEmpty(), "the schema accepts a broken Sidecar: " + sidecar);
    assertTrue(errors.stream().anyMatch(e -> keyword.equals(e.getKeyword())),
        "expected a '" + keyword + "' error, got " + errors);
  }
}
