package io.meshscope.analyzer.streams;

import io.meshscope.kit.ByteHash;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads access-log keys (the calling workload, {@code namespace/name}) as UTF-8, like Kafka's
 * {@code StringDeserializer}, but hands out the same String for the same bytes while its table
 * keeps them. A mesh has a few thousand workloads and each record made a new key: decoding it was
 * 4% of the stream threads, and every store lookup then hashed it again and compared it byte by
 * byte with the stored key, where the kept String has its hash and is the stored key.
 *
 * <p>Shared by the stream threads without locks: a slot holds an immutable entry, and a thread
 * that reads an old entry or none just decodes the key itself.
 */
final class WorkloadKeys implements Deserializer<String> {

  static final int SLOTS = 1 << 14;
  // Kubernetes names: a namespace of 63 and a workload of 253 characters, and the slash.
  private static final int MAX_KEPT_BYTES = 317;

  private record Entry(byte[] bytes, String key) {}

  private final Entry[] table = new Entry[SLOTS];

  @Override
  public String deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    if (data.length > MAX_KEPT_BYTES) {
      return new String(data, StandardCharsets.UTF_8);
    }
    int slot = slot(data);
    Entry e = table[slot];
    if (e != null && Arrays.equals(e.bytes(), data)) {
      return e.key();
    }
    String key = new String(data, StandardCharsets.UTF_8);
    table[slot] = new Entry(data.clone(), key);
    return key;
  }

  static int slot(byte[] data) {
    return ByteHash.of(data, 0, data.length) & (SLOTS - 1);
  }
}
