package io.meshscope.analyzer.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SortedArrayMapTest {

  @Test
  void behavesAsATreeMapUnderRandomChanges() {
    Random random = new Random(3);
    for (int run = 0; run < 200; run++) {
      TreeMap<String, Integer> model = new TreeMap<>();
      SortedArrayMap<Integer> map = SortedArrayMap.of();
      for (int step = 0; step < 60; step++) {
        // Few distinct keys, so that most steps replace a value; "Aa" and "BB" share a hash code.
        String key = switch (random.nextInt(4)) {
          case 0 -> "Aa";
          case 1 -> "BB";
          default -> "svc-" + random.nextInt(25);
        };
        int value = random.nextInt(1000);
        SortedArrayMap<Integer> before = map;
        Map<String, Integer> beforeModel = new TreeMap<>(model);
        int at = map.indexOf(key);
        assertEquals(model.get(key), at < 0 ? null : map.valueAt(at), "indexOf and valueAt agree with get");
        map = random.nextBoolean() || at < 0 ? map.with(key, value) : map.withValueAt(at, value);
        model.put(key, value);
        assertEquals(beforeModel, before, "a change leaves the old map as it was");
        assertEquals(model, map);
        assertEquals(model.hashCode(), map.hashCode());
        assertEquals(new ArrayList<>(model.keySet()), new ArrayList<>(map.keySet()), "keys in sorted order");
        assertEquals(new ArrayList<>(model.values()), new ArrayList<>(map.values()));
        assertEquals(value, map.get(key));
        assertTrue(map.containsKey(key));
        assertNull(map.get("absent"));
        assertFalse(map.containsKey(42));
      }
      assertEquals(map, SortedArrayMap.copyOf(new HashMap<>(model)));
    }
  }

  @Test
  void copyOfKeepsItsOwnKindAndRefusesNulls() {
    SortedArrayMap<String> map = SortedArrayMap.copyOf(Map.of("b", "2", "a", "1"));
    assertSame(map, SortedArrayMap.copyOf(map));
    assertEquals(List.of("a", "b"), new ArrayList<>(map.keySet()));
    Map<String, String> withNull = new HashMap<>();
    withNull.put("a", null);
    assertThrows(NullPointerException.class, () -> SortedArrayMap.copyOf(withNull));
    assertThrows(NullPointerException.class, () -> map.with("c", null));
    assertThrows(UnsupportedOperationException.class, () -> map.put("c", "3"));
    assertThrows(UnsupportedOperationException.class, () -> map.entrySet().iterator().remove());
  }
}
