package io.meshscope.analyzer.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

class HomePartitionTest {

  @Test
  void agreesWithTheProducersDefaultPartitioner() {
    Random random = new Random(7);
    for (int i = 0; i < 20_000; i++) {
      String key = "ns-" + random.nextInt(1000) + "/wl-\u00e9" + Integer.toHexString(random.nextInt());
      int partitions = 1 + random.nextInt(64);
      int expected = BuiltInPartitioner.partitionForKey(key.getBytes(StandardCharsets.UTF_8), partitions);
      HomePartition home = new HomePartition(partitions);
      assertEquals(Optional.of(Set.of(expected)),
          HomePartition.<Object>partitioner().partitions("t", key, null, partitions), "the repartition topic agrees");
      for (int p = 0; p < partitions; p++) {
        assertEquals(p == expected, home.isHome(key, p), key + " on partition " + p + " of " + partitions);
      }
    }
  }

  @Test
  void unknownCountOrKeyIsNeverHome() {
    assertFalse(HomePartition.UNKNOWN.isHome("bookinfo/productpage", 0));
    assertFalse(new HomePartition(1).isHome(null, 0));
    assertThrows(IllegalArgumentException.class, () -> new HomePartition(-1));
  }
}
