package io.meshscope.generator.domain;

import static io.meshscope.generator.domain.Bookinfo.svc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.meshscope.schemas.Json;
import io.meshscope.schemas.SidecarRecommendation;
import io.meshscope.schemas.Topics;
import io.meshscope.schemas.WorkloadRef;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the policy's decisions become on {@code meshscope.sidecars} meets the topic's JSON Schema. */
class RecommendationSchemaTest {

  @Test
  void emittedAndSkippedRecommendationsMatchTheTopicSchema() throws Exception {
    SidecarRenderer renderer = SidecarRenderer.builder()
        .pinnedHosts("bookinfo/productpage", List.of("api.example.com"))
        .adaptiveWorkloads(List.of("bookinfo/reviews"))
        .egressProxy("istio-egressgateway.istio-system.svc.cluster.local", 443)
        .build();
    EmitPolicy policy = new EmitPolicy(renderer, new EmitTimings(Duration.ZERO, Duration.ZERO));
    Instant now = Instant.parse("2025-03-01T12:00:00Z");
    List<EmitDecision> decisions = new ArrayList<>();
    for (var graph : Bookinfo.all()) {
      policy.onGraph(graph, now).ifPresent(decisions::add);
    }
    policy.onGraph(Graphs.graph(WorkloadRef.of("bookinfo", "legacy", Map.of()), 1, List.of()), now)
        .ifPresent(decisions::add);
    policy.onGraph(Graphs.graph("bookinfo", "productpage", 3, Graphs.edge(svc("reviews")),
        Graphs.urgent(svc("ratings"))), now.plusSeconds(60)).ifPresent(decisions::add);
    assertEquals(6, decisions.size());

    Schema schema;
    try (InputStream in = getClass().getResourceAsStream("/meshscope/schemas/sidecar-recommendation.schema.json")) {
      assertNotNull(in, "the schemas jar carries the topic schema");
      schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(in);
    }
    for (EmitDecision decision : decisions) {
      SidecarRecommendation rec = decision.toRecommendation();
      byte[] bytes = Topics.sidecars().valueSerde().serializer().serialize("meshscope.sidecars", rec);
      JsonNode json = Json.mapper().readTree(bytes);
      assertEquals(List.of(), schema.validate(json), json.toString());
      assertEquals(rec, Topics.sidecars().valueSerde().deserializer().deserialize("meshscope.sidecars", bytes));
    }
  }
}
