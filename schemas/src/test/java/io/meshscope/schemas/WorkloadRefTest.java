package io.meshscope.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkloadRefTest {

  @Test
  void hasKeyAgreesWithComparingTheBuiltKey() {
    String[] parts = {"a", "ab", "a/b", "b", "", "ns", "ns/"};
    for (String namespace : new String[] {"a", "ab", "ns", "a/b"}) {
      for (String name : new String[] {"b", "ab", "a/b", "reviews-v1"}) {
        WorkloadRef w = new WorkloadRef(namespace, name, Map.of());
        for (String x : parts) {
          for (String y : parts) {
            for (String key : new String[] {x + "/" + y, x + y, x + "x" + y, x + "//" + y}) {
              assertEquals(w.key().equals(key), w.hasKey(key), w + " against '" + key + "'");
            }
          }
        }
        assertEquals(true, w.hasKey(namespace + "/" + name));
        assertFalse(w.hasKey(null));
      }
    }
  }
}
