package io.meshscope.schemas;

import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * One topic between the stages: its name, the serdes of its keys and values, and the settings it is
 * created with when absent. Keys are always UTF-8 text ({@code namespace/name} of a workload). The
 * catalog of meshscope's topics is {@link Topics}; a stage that writes faster than the value serde
 * here plugs its own codec in with {@link #withValueSerde}, keeping the bytes the same.
 */
public record Topic<V>(String name, Serde<V> valueSerde, Map<String, String> configs) {

  public Topic {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(valueSerde, "valueSerde");
    configs = Map.copyOf(configs);
  }

  public Serde<String> keySerde() {
    return Serdes.String();
  }

  /** The same topic under the name a user chose. */
  public Topic<V> named(String otherName) {
    return new Topic<>(otherName, valueSerde, configs);
  }

  /** The same topic, its values read or written by {@code serde}: the same format, a faster codec. */
  public Topic<V> withValueSerde(Serde<V> serde) {
    return new Topic<>(name, serde, configs);
  }
}
