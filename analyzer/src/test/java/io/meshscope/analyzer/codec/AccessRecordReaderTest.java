package io.meshscope.analyzer.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meshscope.schemas.AccessRecord;
import io.meshscope.schemas.Json;
import io.meshscope.schemas.JsonSerde;
import io.meshscope.schemas.MalformedRecordException;
import io.meshscope.schemas.RandomRecords;
import io.meshscope.schemas.Reporter;
import io.meshscope.schemas.SampleRecords;
import io.meshscope.schemas.WorkloadRef;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/** The analyzer's AccessRecord reader, with its bean-reader fallback, must answer as the bean reader alone. */
class AccessRecordReaderTest {

  private final JsonSerde<AccessRecord> fast = AccessRecordReader.serde();
  private final JsonSerde<AccessRecord> beans = new JsonSerde<>(AccessRecord.class);
  private final AccessRecordReader reader = new AccessRecordReader();

  @Test
  void everyRecordIsReadAsTheBeanReaderReadsItAndTheOnesLeftToItAreCounted() throws Exception {
    Random random = new Random(5);
    int plain = 0;
    int misses = 0;
    for (int i = 0; i < 2_000; i++) {
      AccessRecord r = RandomRecords.accessRecord(random, random.nextInt(5) == 0 ? null
          : RandomRecords.reporter(random));
      boolean isPlain = i % 2 == 0 && plainAscii(r) != null;
      if (isPlain) {
        r = plainAscii(r);
        plain++;
      }
      byte[] bytes = Json.mapper().writeValueAsBytes(r);
      // Not always equal to r: a null map value is not written, so it does not come back.
      assertEquals(beans.deserialize("t", bytes), fast.deserialize("t", bytes), "record " + i);
      try {
        reader.read(bytes);
      } catch (AccessRecordReader.NotPlain e) {
        assertFalse(isPlain, "a plain record missed the fast path: record " + i);
        misses++;
      }
    }
    // Plain records take the fast path; the others (escapes, non-ASCII text) are left to Jackson, counted.
    assertTrue(plain > 500 && misses > 500, plain + " plain, " + misses + " missed");
    assertEquals(misses, fast.fastReaderMisses());
    assertEquals(SampleRecords.accessRecord(),
        reader.read(Json.mapper().writeValueAsBytes(SampleRecords.accessRecord())));
  }

  @Test
  void mutatedRecordsGetTheBeanReadersAnswerRecordOrMessage() throws Exception {
    Random random = new Random(6);
    for (int i = 0; i < 4_000; i++) {
      AccessRecord r = RandomRecords.accessRecord(random, RandomRecords.reporter(random));
      ObjectNode tree = Json.mapper().valueToTree(r);
      String json = mutate(random, tree);
      byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
      String expected = outcome(beans, bytes);
      assertEquals(expected, outcome(fast, bytes), "mutation " + i + ": " + json);
    }
  }

  @Test
  void aRepeatedReporterComesFromTheMemoOnlyWhenItsBytesAreTheSame() throws Exception {
    Random random = new Random(8);
    Reporter[] pool = new Reporter[4];
    for (int i = 0; i < pool.length; i++) {
      pool[i] = new Reporter("sidecar", "sidecar~10.0.0." + i + "~pod-" + i + ".ns~ns.svc.cluster.local",
          WorkloadRef.of("ns", "w" + i, Map.of("app", "w" + i)), "pod-" + i, List.of("10.0.0." + i),
          Map.of("app", "w" + i, "version", "v1"), "1.24.0", "Kubernetes", "sa-" + i);
    }
    long hitsBefore = reader.memo().hits;
    for (int i = 0; i < 2_000; i++) {
      Reporter reporter = pool[random.nextInt(pool.length)];
      String json = new String(plainRecordBytes(random, reporter), StandardCharsets.UTF_8);
      if (random.nextInt(3) == 0) {
        // One byte of the reporter differs, same length: the memo must not answer with the original.
        json = json.replaceFirst("\"pod\":\"pod-", "\"pod\":\"pox-");
      }
      byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
      assertEquals(beans.deserialize("t", bytes), reader.read(bytes), "record " + i + ": " + json);
    }
    assertTrue(reader.memo().hits - hitsBefore > 1_500, "hits " + (reader.memo().hits - hitsBefore));
  }

  @Test
  void thousandsOfReportersAreAllKeptAndFound() throws Exception {
    // As many as one stream thread's partitions hold in the benchmark: with one way per hash, a
    // quarter of them shared a slot and evicted each other, and most of their records missed.
    AccessRecordReader.ReporterMemo memo = new AccessRecordReader.ReporterMemo();
    Random random = new Random(10);
    List<byte[]> records = new ArrayList<>();
    for (int i = 0; records.size() < 3_000; i++) {
      AccessRecord r = plainAscii(RandomRecords.accessRecord(random, new Reporter("sidecar",
          "sidecar~10.0." + (i >> 8) + "." + (i & 255) + "~svc-" + i + "-pod.ns-" + i % 50 + "~ns-" + i % 50
              + ".svc.cluster.local", WorkloadRef.of("ns-" + i % 50, "svc-" + i, Map.of("app", "svc-" + i)),
          "svc-" + i + "-pod", List.of("10.0." + (i >> 8) + "." + (i & 255)), Map.of("app", "svc-" + i),
          "1.30.3", "Kubernetes", "sa-" + i)));
      if (r != null) {
        records.add(fast.serialize("t", r));
      }
    }
    for (byte[] bytes : records) {
      assertEquals(beans.deserialize("t", bytes), WriterLayoutReader.read(bytes, memo));
    }
    assertEquals(0, memo.hits);
    Collections.shuffle(records, random);
    for (byte[] bytes : records) {
      assertEquals(beans.deserialize("t", bytes), WriterLayoutReader.read(bytes, memo));
    }
    assertTrue(memo.hits >= 2_970, "found " + memo.hits + " of 3000 reporters");
  }

  @Test
  void newReportersStillGetInOnceTheBudgetIsSpent() throws Exception {
    // Pods come and go: after a memo full of reporters that are gone, the new ones must be kept.
    AccessRecordReader.ReporterMemo memo = new AccessRecordReader.ReporterMemo();
    Random random = new Random(14);
    String labels = "x".repeat(1_500);
    IntFunction<byte[]> record = i -> plainRecordBytes(random, new Reporter("sidecar",
        "sidecar~10.0.0.1~pod-" + i + ".ns~ns.svc.cluster.local", WorkloadRef.of("ns", "w" + i, Map.of()),
        "pod-" + i, List.of(), Map.of("big", labels), "1.30.3", "Kubernetes", "sa"));
    for (int i = 0; i < 4_000; i++) {
      WriterLayoutReader.read(record.apply(i), memo);
    }
    assertTrue(memo.bytes() > AccessRecordReader.ReporterMemo.BUDGET_BYTES * 9 / 10, "spent: " + memo.bytes());
    List<byte[]> fresh = new ArrayList<>();
    for (int i = 10_000; i < 11_000; i++) {
      fresh.add(record.apply(i));
    }
    for (byte[] bytes : fresh) {
      WriterLayoutReader.read(bytes, memo);
    }
    long hitsBefore = memo.hits;
    for (byte[] bytes : fresh) {
      assertEquals(beans.deserialize("t", bytes), WriterLayoutReader.read(bytes, memo));
    }
    // Eviction sweeps the table in slot order, so it takes some of the new ones too, but far from
    // all (with no eviction outside a reporter's own set, 182 were found).
    assertTrue(memo.hits - hitsBefore >= 700, "found " + (memo.hits - hitsBefore) + " of 1000 new reporters");
    assertTrue(memo.bytes() <= AccessRecordReader.ReporterMemo.BUDGET_BYTES, "kept " + memo.bytes());
  }

  private byte[] plainRecordBytes(Random random, Reporter reporter) {
    AccessRecord r;
    do {
      r = plainAscii(RandomRecords.accessRecord(random, reporter));
    } while (r == null);
    return fast.serialize("t", r);
  }

  @Test
  void theReporterMemoKeepsToItsByteBudget() throws Exception {
    AccessRecordReader own = new AccessRecordReader();
    Random random = new Random(9);
    String labels = "x".repeat(1_500);
    for (int i = 0; i < 4_000; i++) {
      Reporter reporter = new Reporter("sidecar", null, WorkloadRef.of("ns", "w" + i, Map.of()), null,
          List.of(), Map.of("big", labels), null, null, null);
      byte[] bytes = plainRecordBytes(random, reporter);
      assertEquals(beans.deserialize("t", bytes), own.read(bytes));
    }
    int kept = own.memo().bytes();
    assertTrue(kept > AccessRecordReader.ReporterMemo.BUDGET_BYTES / 2 && kept <= AccessRecordReader.ReporterMemo.BUDGET_BYTES,
        "kept " + kept);
  }

  @Test
  void instantsAreReadAsInstantParseReadsThem() {
    Random random = new Random(8);
    List<String> samples = new ArrayList<>(List.of("2026-11-26T06:00:00Z", "2026-11-26T06:00:00.1Z",
        "2024-02-29T23:59:59.999999999Z", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.123456Z",
        "1970-01-01T00:00:00.000Z"));
    for (int i = 0; i < 20_000; i++) {
      samples.add(Instant.ofEpochSecond(random.nextLong(-62_000_000_000L, 253_000_000_000L),
          random.nextInt(4) == 0 ? 0 : random.nextInt(1_000_000_000)).toString());
    }
    for (String s : samples) {
      assertEquals(Instant.parse(s), AccessRecordReader.instant(s), s);
    }
    for (String bad : List.of("2023-02-29T00:00:00Z", "2026-11-26T24:00:00Z", "2026-11-26T06:00:00.Z",
        "2026-11-26T06:00:00.1234567890Z", "2026-11-26T06:0a:00Z", "2026-11-26 06:00:00Z", "2026-13-01T00:00:00Z",
        "2026-11-26T06:00:60Z", "+2026-11-26T06:00:00Z", "2026-11-26T06:00:00+01:00")) {
      String viaParse;
      try {
        viaParse = String.valueOf(Instant.parse(bad));
      } catch (DateTimeParseException e) {
        viaParse = "refused";
      }
      String viaReader;
      try {
        viaReader = String.valueOf(AccessRecordReader.instant(bad));
      } catch (DateTimeParseException e) {
        viaReader = "refused";
      }
      assertEquals(viaParse, viaReader, bad);
    }
  }

  @Test
  void recordsInTheWritersLayoutAreReadWithoutATokenizerAsTheBeanReaderReadsThem() throws Exception {
    Random random = new Random(12);
    int direct = 0;
    for (int i = 0; i < 3_000; i++) {
      AccessRecord r = plainRecord(random);
      if (r == null) {
        continue;
      }
      byte[] bytes = fast.serialize("t", r); // the byte writer's layout
      AccessRecord expected = beans.deserialize("t", bytes);
      // Every plain record the writer writes is read without the tokenizer, its reporter new or
      // memoized, long or short (a short one is not kept: its lookup hash takes in later bytes).
      assertEquals(expected, WriterLayoutReader.read(bytes, reader.memo()), "record " + i);
      assertEquals(expected, WriterLayoutReader.read(bytes, reader.memo()), "record " + i + ", again");
      direct++;
    }
    assertTrue(direct > 1_000, "read " + direct);
  }

  @Test
  void anyByteChangedInTheWritersLayoutGetsTheBeanReadersAnswer() throws Exception {
    Random random = new Random(13);
    int direct = 0;
    for (int i = 0; i < 6_000; i++) {
      AccessRecord r = plainRecord(random);
      if (r == null) {
        continue;
      }
      byte[] bytes = fast.serialize("t", r);
      reader.read(bytes);
      bytes = changedAtOneByte(random, bytes);
      assertEquals(outcome(beans, bytes), outcome(fast, bytes), "change " + i + ": "
          + new String(bytes, StandardCharsets.UTF_8));
      try {
        WriterLayoutReader.read(bytes, reader.memo());
        direct++;
      } catch (AccessRecordReader.NotPlain e) {
        // left to Jackson
      }
    }
    // Many changes keep the layout (a digit for a digit, a letter in a string): those must agree too.
    assertTrue(direct > 500, "read directly " + direct);
  }

  /** A random record, half with a reporter, with its text cut to plain ASCII; null if that makes it invalid. */
  private static AccessRecord plainRecord(Random random) {
    return plainAscii(RandomRecords.accessRecord(random, random.nextBoolean() ? null
        : RandomRecords.reporter(random)));
  }

  /** The record with its text cut to [A-Za-z0-9./:-], or null if that makes it invalid. */
  private static AccessRecord plainAscii(AccessRecord r) {
    JsonNode tree = Json.mapper().valueToTree(r);
    try {
      return Json.mapper().treeToValue(sanitized(tree), AccessRecord.class);
    } catch (Exception e) {
      return null;
    }
  }

  private static JsonNode sanitized(JsonNode node) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    if (node.isTextual()) {
      return f.textNode(node.asText().replaceAll("[^A-Za-z0-9./:-]", ""));
    }
    if (node.isArray()) {
      ArrayNode a = f.arrayNode();
      node.forEach(n -> a.add(sanitized(n)));
      return a;
    }
    if (node.isObject()) {
      ObjectNode o = f.objectNode();
      node.fields().forEachRemaining(e -> o.set(e.getKey().replaceAll("[^A-Za-z0-9./:-]", ""), sanitized(e.getValue())));
      return o;
    }
    return node;
  }

  private static final byte[] REPLACEMENTS = " \"{}[],:.-+e0197aZ\\\n".getBytes(StandardCharsets.UTF_8);

  /** {@code bytes} with one byte replaced (by JSON punctuation or a UTF-8 lead byte) or cut there. */
  private static byte[] changedAtOneByte(Random random, byte[] bytes) {
    int at = random.nextInt(bytes.length);
    switch (random.nextInt(3)) {
      case 0 -> bytes[at] = REPLACEMENTS[random.nextInt(REPLACEMENTS.length)];
      case 1 -> bytes[at] = (byte) (0xC0 | random.nextInt(64)); // a UTF-8 lead byte, likely malformed
      default -> bytes = Arrays.copyOf(bytes, at); // cut short
    }
    return bytes;
  }

  private static String outcome(JsonSerde<AccessRecord> serde, byte[] bytes) {
    try {
      return "record " + serde.deserialize("t", bytes);
    } catch (MalformedRecordException e) {
      return "refused " + e.getMessage();
    }
  }

  private static final List<String> TEXT_FIELDS = List.of("logName", "protocol", "httpVersion", "routeName",
      "responseCodeDetails", "downstreamRemoteAddress", "startTime", "receivedAt");
  private static final List<String> NUMBER_FIELDS = List.of("schemaVersion", "responseCode", "bytesReceived",
      "bytesSent", "durationMicros");
  private static final List<String> LIST_FIELDS = List.of("responseFlags", "peerSans", "flags");

  private static String mutate(Random random, ObjectNode tree) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    List<String> fields = new ArrayList<>();
    tree.fieldNames().forEachRemaining(fields::add);
    String field = fields.get(random.nextInt(fields.size()));
    switch (random.nextInt(14)) {
      case 0 -> tree.remove(field);
      case 1 -> tree.putNull(field);
      case 2 -> tree.put(field, random.nextInt(3) - 1);
      case 3 -> tree.put(field, "5");
      case 4 -> tree.set("futureField", f.objectNode().put("x", 1).set("y", f.arrayNode().add(f.objectNode())));
      case 5 -> tree.put(NUMBER_FIELDS.get(random.nextInt(NUMBER_FIELDS.size())), 1.5);
      case 6 -> tree.put(NUMBER_FIELDS.get(random.nextInt(NUMBER_FIELDS.size())), Long.MAX_VALUE);
      case 7 -> tree.put(NUMBER_FIELDS.get(random.nextInt(NUMBER_FIELDS.size())), "12");
      case 8 -> tree.set(LIST_FIELDS.get(random.nextInt(LIST_FIELDS.size())), f.arrayNode().add("a").addNull());
      case 9 -> tree.put(TEXT_FIELDS.get(random.nextInt(TEXT_FIELDS.size())), random.nextBoolean() ? "" : "2026-13-01");
      case 10 -> {
        JsonNode reporter = tree.get("reporter");
        if (reporter instanceof ObjectNode o) {
          switch (random.nextInt(4)) {
            case 0 -> o.remove("workload");
            case 1 -> ((ObjectNode) o.get("workload")).putNull("name");
            case 2 -> ((ObjectNode) o.get("labels")).putNull("k");
            default -> o.put("role", "  ");
          }
        }
      }
      case 11 -> {
        return "{\"logName\":\"dup\"," + tree.toString().substring(1);
      }
      case 12 -> {
        return tree.toString() + (random.nextBoolean() ? " {}" : " ");
      }
      default -> tree.put("startTime", random.nextBoolean() ? "2026-11-20T10:00:00+01:00" : "1700000000");
    }
    return tree.toString();
  }
}
