package io.meshscope.analyzer.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WriteBackStoreTest {

  private WriteBackStore<String> store;

  @BeforeEach
  void open() {
    store = WriteBackStore.builder(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("graphs"),
        Serdes.String(), Serdes.String()).withLoggingDisabled(), 3).build();
    store.init(new MockProcessorContext<>().getStateStoreContext(), store);
  }

  @AfterEach
  void close() {
    store.close();
  }

  private Map<String, String> committed() {
    Map<String, String> out = new TreeMap<>();
    try (KeyValueIterator<String, String> it = store.committed()) {
      while (it.hasNext()) {
        KeyValue<String, String> kv = it.next();
        out.put(kv.key, kv.value);
      }
    }
    return out;
  }

  @Test
  void changesReachTheInnerStoreOnlyAtTheFlushThatPrecedesACommit() {
    store.write("a", "1");
    store.write("a", "2");
    assertEquals("2", store.read("a"));
    assertEquals(Map.of(), committed(), "nothing is written before the flush");
    store.flushCache();
    assertEquals(Map.of("a", "2"), committed(), "only the last version is written");
  }

  @Test
  void aTaskClosedDirtyForgetsWhatWasNotCommitted() {
    store.write("a", "1");
    store.flushCache();
    store.write("a", "2");
    store.write("b", "1");
    store.clearCache();
    assertEquals("1", store.read("a"));
    assertNull(store.read("b"));
    store.flushCache();
    assertEquals(Map.of("a", "1"), committed());
  }

  @Test
  void aFullMemoryIsWrittenBackEarlyToBoundIt() {
    for (String k : new String[] {"a", "b", "c"}) {
      store.write(k, k);
    }
    assertEquals(Map.of(), committed());
    store.write("d", "d");
    assertEquals(Map.of("a", "a", "b", "b", "c", "c"), committed(), "written back to make room for d");
    assertEquals("a", store.read("a"), "evicted from memory, read back from the inner store");
    store.flushCache();
    assertEquals(Map.of("a", "a", "b", "b", "c", "c", "d", "d"), committed());
  }

  @Test
  void aFullMemoryForgetsUnchangedValuesBeforeWritingChangedOnesEarly() {
    for (String k : new String[] {"w", "x", "y"}) {
      store.write(k, k);
    }
    store.flushCache();
    store.write("a", "1"); // the unchanged w, x and y make room
    assertEquals("w", store.read("w"));
    assertEquals("x", store.read("x"));
    assertEquals("y", store.read("y")); // full again: one change of three, x and w make room
    assertEquals(Map.of("w", "w", "x", "x", "y", "y"), committed(), "a waits for the commit");
    assertEquals("1", store.read("a"));
    store.flushCache();
    assertEquals(Map.of("a", "1", "w", "w", "x", "x", "y", "y"), committed());
  }

  @Test
  void readsAnswerTheLatestWriteWhateverWasForgottenOrWrittenBack() {
    // Ten keys through a capacity of three: the memory is emptied and written back again and again.
    // A key is sometimes the very String of an earlier call, as a merge's read and write are, and
    // sometimes an equal copy.
    Random random = new Random(4);
    Map<String, String> model = new HashMap<>();
    String[] keys = new String[10];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = "k" + i;
    }
    for (int i = 0; i < 5_000; i++) {
      int k = random.nextInt(keys.length);
      String key = random.nextBoolean() ? keys[k] : new String(keys[k]);
      switch (random.nextInt(4)) {
        case 0, 1 -> assertEquals(model.get(key), store.read(key), "step " + i);
        case 2 -> {
          store.write(key, "v" + i);
          model.put(key, "v" + i);
        }
        default -> {
          if (random.nextInt(10) == 0) {
            store.flushCache();
            assertEquals(new TreeMap<>(model), committed(), "step " + i);
          }
        }
      }
    }
  }

  @Test
  void itCannotBeMadeToCacheTwice() {
    assertThrows(UnsupportedOperationException.class, () -> WriteBackStore.builder(Stores.keyValueStoreBuilder(
        Stores.inMemoryKeyValueStore("x"), Serdes.String(), Serdes.String()), 1).withCachingEnabled());
  }
}
