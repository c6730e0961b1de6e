package io.meshscope.schemas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class JsonSerdeTest {

  static Stream<Object> samples() {
    return Stream.of(SampleRecords.accessRecord(), SampleRecords.dependencyGraph(),
        SampleRecords.sidecarRecommendation(), SampleRecords.meshReport());
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static JsonSerde<Object> serdeFor(Object sample) {
    return new JsonSerde(sample.getClass());
  }

  @ParameterizedTest
  @MethodSource("samples")
  void everyTypeRoundTrips(Object sample) {
    JsonSerde<Object> serde = serdeFor(sample);
    byte[] bytes = serde.serialize("t", sample);
    assertEquals(sample, serde.deserialize("t", bytes));
  }

  @ParameterizedTest
  @MethodSource("samples")
  void sameContentGivesTheSameBytes(Object sample) {
    JsonSerde<Object> serde = serdeFor(sample);
    byte[] once = serde.serialize("t", sample);
    byte[] again = serde.serialize("t", serde.deserialize("t", once));
    assertArrayEquals(once, again);
  }

  @ParameterizedTest
  @MethodSource("samples")
  void readerIgnoresFieldsFromANewerWriter(Object sample) throws Exception {
    JsonSerde<Object> serde = serdeFor(sample);
    var node = (ObjectNode) Json.mapper().readTree(serde.serialize("t", sample));
    node.put("fieldFromTheFuture", "ignored");
    node.putObject("nestedFromTheFuture").put("x", 1);
    assertEquals(sample, serde.deserialize("t", Json.mapper().writeValueAsBytes(node)));
  }

  @Test
  void mapsAreWrittenInKeyOrderWhateverTheInsertionOrder() {
    String json = new String(Topics.accessLogs().valueSerde().serializer().serialize("t", SampleRecords.accessRecord()),
        StandardCharsets.UTF_8);
    int app = json.indexOf("\"app\":\"productpage\"");
    int canonical = json.indexOf("\"service.istio.io/canonical-name\"");
    int version = json.indexOf("\"version\":\"v1\"");
    assertTrue(app < canonical && canonical < version, json);
  }

  @Test
  void tombstoneReadsAsNull() {
    assertNull(Topics.dependencyGraphs().valueSerde().deserializer().deserialize("meshscope.dependency-graphs", null));
  }

  @Test
  void garbageIsAClearErrorNotANull() {
    byte[] garbage = "\u0001\u0002not json at all".getBytes(StandardCharsets.UTF_8);
    MalformedRecordException e = assertThrows(MalformedRecordException.class,
        () -> Topics.accessLogs().valueSerde().deserializer().deserialize("meshscope.access-logs", garbage));
    assertTrue(e.getMessage().startsWith("cannot read AccessRecord from topic 'meshscope.access-logs': "),
        e.getMessage());
    // Control characters from the payload are escaped, so the log line stays one harmless line.
    assertTrue(e.getMessage().endsWith("payload of 17 bytes begins '\\u0001\\u0002not json at all'"), e.getMessage());
  }

  @Test
  void truncatedJsonIsAClearError() {
    byte[] bytes = Topics.dependencyGraphs().valueSerde().serializer().serialize("t", SampleRecords.dependencyGraph());
    byte[] truncated = Arrays.copyOf(bytes, bytes.length / 2);
    MalformedRecordException e = assertThrows(MalformedRecordException.class,
        () -> Topics.dependencyGraphs().valueSerde().deserializer().deserialize("graphs", truncated));
    assertTrue(e.getMessage().contains("Unexpected end-of-input"), e.getMessage());
  }

  @Test
  void missingRequiredFieldNamesTheField() {
    byte[] json = "{\"schemaVersion\":1,\"role\":\"sidecar\",\"revision\":1,\"updatedAt\":\"2026-11-20T10:15:30Z\"}"
        .getBytes(StandardCharsets.UTF_8);
    MalformedRecordException e = assertThrows(MalformedRecordException.class,
        () -> Topics.dependencyGraphs().valueSerde().deserializer().deserialize("graphs", json));
    assertTrue(e.getMessage().startsWith("cannot read DependencyGraph from topic 'graphs': workload is required"),
        e.getMessage());
  }

  @Test
  void missingSchemaVersionIsRejected() {
    byte[] json = "{\"workload\":{\"namespace\":\"a\",\"name\":\"b\"},\"status\":\"emitted\",\"graphRevision\":1,"
        .concat("\"generatedAt\":\"2026-11-20T10:15:30Z\",\"mode\":\"recommend\"}")
        .getBytes(StandardCharsets.UTF_8);
    MalformedRecordException e = assertThrows(MalformedRecordException.class,
        () -> Topics.sidecars().valueSerde().deserializer().deserialize("sidecars", json));
    assertTrue(e.getMessage().contains("SidecarRecommendation.schemaVersion must be 1 or more, was 0"), e.getMessage());
  }

  @Test
  void wrongTypeIsAClearError() {
    byte[] json = "{\"schemaVersion\":\"one\"}".getBytes(StandardCharsets.UTF_8);
    MalformedRecordException e = assertThrows(MalformedRecordException.class,
        () -> Topics.accessLogs().valueSerde().deserializer().deserialize("logs", json));
    assertTrue(e.getMessage().contains(" at $.schemaVersion; payload of"), e.getMessage());
  }

  @Test
  void jsonNullIsAClearError() {
    MalformedRecordException e = assertThrows(MalformedRecordException.class,
        () -> Topics.accessLogs().valueSerde().deserializer().deserialize("logs", "null".getBytes(StandardCharsets.UTF_8)));
    assertTrue(e.getMessage().contains("payload is JSON null"), e.getMessage());
  }

  @Test
  void workloadKeyIsNamespaceSlashName() {
    assertEquals("bookinfo/productpage", SampleRecords.productpage().key());
  }
}
