package io.meshscope.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the serializers write must validate against the JSON Schema files that document the topics:
 * a field renamed on one side and not the other fails here (the schemas forbid unknown properties).
 */
class SchemaConformanceTest {

  private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

  static Stream<Arguments> samples() {
    return Stream.of(
        Arguments.of("access-record.schema.json", SampleRecords.accessRecord()),
        Arguments.of("dependency-graph.schema.json", SampleRecords.dependencyGraph()),
        Arguments.of("sidecar-recommendation.schema.json", SampleRecords.sidecarRecommendation()),
        Arguments.of("mesh-report.schema.json", SampleRecords.meshReport()));
  }

  static Schema schema(String file) throws Exception {
    try (InputStream in = SchemaConformanceTest.class.getResourceAsStream("/meshscope/schemas/" + file)) {
      assertNotNull(in, "schema file " + file + " is on the classpath");
      return REGISTRY.getSchema(in);
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  static JsonNode written(Object record) {
    JsonSerde serde = new JsonSerde(record.getClass());
    byte[] bytes = serde.serialize("any", record);
    try {
      return Json.mapper().readTree(bytes);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  void serializedRecordValidatesAgainstItsSchemaFile(String file, Object sample) throws Exception {
    List<Error> errors = schema(file).validate(written(sample));
    assertTrue(errors.isEmpty(), file + " rejects what the serializer writes: " + errors);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  void sampleSetsEveryFieldSoTheSchemaCheckCoversIt(String file, Object sample) {
    List<String> missing = new ArrayList<>();
    collectMissing(sample.getClass(), written(sample), "$", missing);
    assertEquals(List.of(), missing, "the sample leaves fields unset, so " + file + " never sees them");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  void schemaRejectsARenamedField(String file, Object sample) throws Exception {
    // The check above is only worth something if the schema really refuses unknown names.
    ObjectNode node = (ObjectNode) written(sample);
    node.set("schemaVersionRenamed", node.remove("schemaVersion"));
    List<Error> errors = schema(file).validate(node);
    assertFalse(errors.isEmpty(), file + " accepted a document with schemaVersion renamed");
  }

  /** Every record component, recursively, must appear in the JSON (nulls are omitted when written). */
  private static void collectMissing(Class<?> type, JsonNode node, String path, List<String> missing) {
    if (!type.isRecord()) {
      return;
    }
    for (RecordComponent c : type.getRecordComponents()) {
      JsonNode child = node.get(c.getName());
      String childPath = path + "." + c.getName();
      if (child == null || child.isNull() || (child.isContainerNode() && child.isEmpty())) {
        missing.add(childPath);
        continue;
      }
      Class<?> element = elementType(c);
      if (child.isArray()) {
        child.forEach(item -> collectMissing(element, item, childPath + "[]", missing));
      } else {
        collectMissing(c.getType(), child, childPath, missing);
      }
    }
  }

  private static Class<?> elementType(RecordComponent c) {
    if (Collection.class.isAssignableFrom(c.getType()) && c.getGenericType() instanceof ParameterizedType p) {
      Type arg = p.getActualTypeArguments()[0];
      if (arg instanceof Class<?> k) {
        return k;
      }
    }
    return Object.class;
  }
}
