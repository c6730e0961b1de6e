package io.meshscope.receiver.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.flatbuffers.FlatBufferBuilder;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The reader of pre-1.24 Istio peer metadata, a FlatBuffer a peer proxy sends (issue 17). On any
 * bytes it returns a node or throws {@link FlatNodeReader.MalformedFlatBufferException}, never
 * another exception, and what it returns is no larger than its input; on a buffer the FlatBuffers
 * library built, it reads back exactly the fields that were written.
 *
 * <p>{@code mvn verify} runs it on the committed inputs under {@code FlatNodeReaderFuzzTestInputs};
 * {@code bench/fuzz.sh} fuzzes it.
 */
class FlatNodeReaderFuzzTest {

  @FuzzTest(maxDuration = "10m")
  void readsANodeOrRefusesIt(byte[] bytes) {
    Struct node;
    try {
      node = FlatNodeReader.read(ByteBuffer.wrap(bytes));
    } catch (FlatNodeReader.MalformedFlatBufferException refused) {
      return;
    }
    if (node == null) {
      assertEquals(0, bytes.length, "only an empty buffer is no node");
      return;
    }
    long chars = 0;
    for (Map.Entry<String, Value> e : node.getFieldsMap().entrySet()) {
      if (e.getValue().hasStructValue()) {
        assertTrue(e.getValue().getStructValue().getFieldsCount() <= 64, "at most 64 labels");
        for (Map.Entry<String, Value> label : e.getValue().getStructValue().getFieldsMap().entrySet()) {
          chars += label.getKey().length() + label.getValue().getStringValue().length();
        }
      } else {
        chars += e.getValue().getStringValue().length();
      }
    }
    // Every string is a reference, so all may point at the same bytes: each label's key and value,
    // and each field. That is the most a valid buffer makes of its bytes; a string never has more
    // characters than bytes (a bad UTF-8 byte becomes one replacement character).
    long strings = 2L * 64 + node.getFieldsCount();
    assertTrue(chars <= strings * bytes.length, chars + " characters from " + bytes.length + " bytes");
  }

  @FuzzTest(maxDuration = "10m")
  void readsBackWhatTheFlatBuffersLibraryWrote(FuzzedDataProvider data) throws Exception {
    // As UTF-8 can carry them: an unpaired surrogate becomes '?', as Envoy's C++ would never send it.
    String name = utf8(data.consumeString(40));
    String namespace = utf8(data.consumeString(40));
    String workload = utf8(data.consumeString(40));
    String cluster = utf8(data.consumeString(20));
    Map<String, String> labels = new LinkedHashMap<>();
    int count = data.consumeInt(0, 8);
    for (int i = 0; i < count; i++) {
      labels.put(utf8(data.consumeString(20)), utf8(data.consumeString(20)));
    }
    FlatBufferBuilder b = new FlatBufferBuilder();
    int[] kvs = new int[labels.size()];
    int i = 0;
    for (Map.Entry<String, String> l : labels.entrySet()) {
      int key = b.createString(l.getKey());
      int value = b.createString(l.getValue());
      b.startTable(2);
      b.addOffset(0, key, 0);
      b.addOffset(1, value, 0);
      kvs[i++] = b.endTable();
    }
    int labelVector = b.createVectorOfTables(kvs);
    int nameAt = b.createString(name);
    int namespaceAt = b.createString(namespace);
    int workloadAt = b.createString(workload);
    int clusterAt = b.createString(cluster);
    b.startTable(11);
    b.addOffset(0, nameAt, 0);
    b.addOffset(1, namespaceAt, 0);
    b.addOffset(2, labelVector, 0);
    b.addOffset(4, workloadAt, 0);
    b.addOffset(9, clusterAt, 0);
    b.finish(b.endTable());

    Struct node = FlatNodeReader.read(ByteBuffer.wrap(b.sizedByteArray()));

    assertEquals(name, node.getFieldsOrThrow("name").getStringValue());
    assertEquals(namespace, node.getFieldsOrThrow("namespace").getStringValue());
    assertEquals(workload, node.getFieldsOrThrow("workload").getStringValue());
    assertEquals(cluster, node.getFieldsOrThrow("cluster").getStringValue());
    Map<String, String> read = new LinkedHashMap<>();
    node.getFieldsOrThrow("labels").getStructValue().getFieldsMap()
        .forEach((k, v) -> read.put(k, v.getStringValue()));
    assertEquals(labels, read);
  }

  private static String utf8(String s) {
    return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
  }
}
