package io.meshscope.generator.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Sidecar CRD's {@code v1} {@code openAPIV3Schema} (vendored verbatim in {@code deploy/istio-crds/},
 * see SOURCE.md there) as a JSON Schema a real validator runs; {@link #forCrd} does the same for any CRD.
 *
 * <p>Two adjustments, both to make the check closer to what the API server does, never looser:
 * {@code apiVersion}, {@code kind} and {@code metadata} get schemas of their own (the CRD leaves them
 * to Kubernetes), and every object schema that lists its properties and does not say
 * {@code x-kubernetes-preserve-unknown-fields} refuses others, as the API server's strict field
 * validation does; a plain JSON Schema validator would accept a misspelled field. The CRD's CEL rules
 * ({@code x-kubernetes-validations}) are not JSON Schema; {@link #assertValid} checks the one that
 * concerns us (no {@code *} in selector labels) itself.
 */
final class CrdSchema {
  private CrdSchema() {}

  static final YAMLMapper YAML = new YAMLMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Schema SIDECAR = load();

  static JsonNode v1OpenApiSchema() {
    return openApiSchema(sidecarCrd(), "Sidecar", "v1");
  }

  private static JsonNode openApiSchema(JsonNode crd, String kind, String version) {
    assertEquals(kind, crd.path("spec").path("names").path("kind").asText());
    for (JsonNode v : crd.path("spec").path("versions")) {
      if (version.equals(v.path("name").asText())) {
        return v.path("schema").path("openAPIV3Schema").deepCopy();
      }
    }
    throw new AssertionError("the " + kind + " CRD has no " + version + " version");
  }

  private static Schema load() {
    return forCrd(sidecarCrd(), "v1");
  }

  /** Istio 1.30.3's Sidecar CRD, vendored with the others in deploy/istio-crds (see SOURCE.md there). */
  private static JsonNode sidecarCrd() {
    try {
      return readYaml(java.nio.file.Files.readString(
          java.nio.file.Path.of("..", "deploy", "istio-crds", "sidecars.networking.istio.io.crd.yaml")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The schema of a CRD's {@code version} as the API server applies it, with the adjustments of the
   * class comment: any Istio resource, e.g. for the manifests under {@code deploy/}.
   */
  static Schema forCrd(JsonNode crd, String version) {
    String kind = crd.path("spec").path("names").path("kind").asText();
    ObjectNode schema = (ObjectNode) openApiSchema(crd, kind, version);
    ObjectNode properties = (ObjectNode) schema.path("properties");
    properties.set("apiVersion", NODES.objectNode().put("type", "string")
        .set("enum", NODES.arrayNode().add(crd.path("spec").path("group").asText() + "/" + version)));
    properties.set("kind", NODES.objectNode().put("type", "string").set("enum", NODES.arrayNode().add(kind)));
    properties.set("metadata", metadataSchema());
    schema.set("required", NODES.arrayNode().add("apiVersion").add("kind").add("metadata").add("spec"));
    strict(schema);
    return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4).getSchema(schema);
  }

  private static ObjectNode metadataSchema() {
    ObjectNode stringMap = NODES.objectNode().put("type", "object");
    stringMap.set("additionalProperties", NODES.objectNode().put("type", "string"));
    ObjectNode labelMap = NODES.objectNode().put("type", "object");
    labelMap.set("additionalProperties", NODES.objectNode().put("type", "string").put("maxLength", 63));
    ObjectNode props = NODES.objectNode();
    props.set("name", NODES.objectNode().put("type", "string").put("minLength", 1).put("maxLength", 253)
        .put("pattern", "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"));
    props.set("namespace", NODES.objectNode().put("type", "string").put("minLength", 1).put("maxLength", 63)
        .put("pattern", "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"));
    props.set("labels", labelMap);
    props.set("annotations", stringMap);
    ObjectNode metadata = NODES.objectNode().put("type", "object");
    metadata.set("required", NODES.arrayNode().add("name").add("namespace"));
    metadata.set("properties", props);
    return metadata;
  }

  /** Unknown fields are errors wherever the CRD lists the known ones (see the class comment). */
  private static void strict(JsonNode schema) {
    if (!(schema instanceof ObjectNode node)) {
      return;
    }
    if (node.has("properties") && !node.has("additionalProperties")
        && !node.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
      node.put("additionalProperties", false);
    }
    node.path("properties").forEach(CrdSchema::strict);
    strict(node.path("items"));
    strict(node.path("additionalProperties"));
    for (String combinator : List.of("allOf", "anyOf", "oneOf")) {
      node.path(combinator).forEach(CrdSchema::strict);
    }
  }

  static List<Error> validate(JsonNode sidecar) {
    return SIDECAR.validate(sidecar);
  }

  /** Parses one YAML document (failing on more), validates it, and returns it. */
  static JsonNode assertValid(String yaml) {
    JsonNode sidecar = readSingleDocument(yaml);
    List<Error> errors = validate(sidecar);
    assertTrue(errors.isEmpty(), "the CRD schema refuses the Sidecar: " + errors + "\n" + yaml);
    JsonNode labels = sidecar.path("spec").path("workloadSelector").path("labels");
    assertFalse(labels.isEmpty(), "workloadSelector.labels must never be empty:\n" + yaml);
    for (Map.Entry<String, JsonNode> label : labels.properties()) {
      // CEL rule of the CRD: "wildcard is not supported in selector".
      assertFalse(label.getValue().asText().contains("*"), "selector with a wildcard:\n" + yaml);
    }
    return sidecar;
  }

  static JsonNode readSingleDocument(String yaml) {
    try (JsonParser parser = YAML.createParser(yaml);
        MappingIterator<JsonNode> documents = YAML.readValues(parser, JsonNode.class)) {
      List<JsonNode> all = new ArrayList<>();
      documents.forEachRemaining(all::add);
      assertEquals(1, all.size(), "exactly one YAML document:\n" + yaml);
      return all.get(0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode readYaml(String yaml) {
    try {
      return YAML.readTree(yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<String> egressHosts(JsonNode sidecar) {
    List<String> hosts = new ArrayList<>();
    ArrayNode list = (ArrayNode) sidecar.path("spec").path("egress").path(0).path("hosts");
    list.forEach(h -> {
      assertTrue(h.isTextual(), "host is a string: " + h);
      hosts.add(h.asText());
    });
    return hosts;
  }
}
