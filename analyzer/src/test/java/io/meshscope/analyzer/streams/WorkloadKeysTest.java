package io.meshscope.analyzer.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

class WorkloadKeysTest {

  private final WorkloadKeys keys = new WorkloadKeys();

  @Test
  void theSameBytesGiveTheSameString() {
    String first = keys.deserialize("t", "bookinfo/reviews-v1".getBytes(StandardCharsets.UTF_8));
    String again = keys.deserialize("t", "bookinfo/reviews-v1".getBytes(StandardCharsets.UTF_8));
    assertEquals("bookinfo/reviews-v1", first);
    assertSame(first, again);
    assertNull(keys.deserialize("t", null));
  }

  @Test
  void aCallerThatReusesItsArrayDoesNotChangeWhatWasKept() {
    // Two keys of one length in one slot: if the table kept the caller's array, writing the second
    // key's bytes into it would make the table answer the first key's String for the second.
    byte[] a = "ns/k-10000".getBytes(StandardCharsets.UTF_8);
    byte[] b = null;
    for (int i = 10_001; b == null; i++) {
      byte[] candidate = ("ns/k-" + i).getBytes(StandardCharsets.UTF_8);
      if (candidate.length == a.length && WorkloadKeys.slot(candidate) == WorkloadKeys.slot(a)) {
        b = candidate;
      }
    }
    byte[] buffer = a.clone();
    assertEquals("ns/k-10000", keys.deserialize("t", buffer));
    System.arraycopy(b, 0, buffer, 0, buffer.length);
    assertEquals(new String(b, StandardCharsets.UTF_8), keys.deserialize("t", b.clone()));
  }

  @Test
  void everyKeyReadsAsKafkasStringDeserializerReadsItWhateverTheTableHolds() {
    // More distinct keys than slots, so slots are overwritten; some not UTF-8 at all, some too long
    // to keep; keys whose bytes the caller changes after the call must not change what was kept.
    Random random = new Random(3);
    byte[][] pool = new byte[40_000][];
    for (int i = 0; i < pool.length; i++) {
      pool[i] = switch (i % 4) {
        case 0 -> ("ns-" + i % 97 + "/svc-" + i).getBytes(StandardCharsets.UTF_8);
        case 1 -> ("ns/名前-" + i).getBytes(StandardCharsets.UTF_8);
        case 2 -> {
          byte[] b = new byte[1 + random.nextInt(40)];
          random.nextBytes(b);
          yield b;
        }
        default -> ("ns/" + "x".repeat(300 + i % 50) + i).getBytes(StandardCharsets.UTF_8);
      };
    }
    StringDeserializer kafka =
        new StringDeserializer();
    for (int step = 0; step < 200_000; step++) {
      byte[] key = pool[random.nextInt(pool.length)];
      byte[] copy = key.clone();
      assertEquals(kafka.deserialize("t", key), keys.deserialize("t", copy), "step " + step);
      copy[0]++; // the consumer's array is the caller's to change
    }
  }
}
