package io.meshscope.kafka.test;

import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * The one way topology tests make a {@link TopologyTestDriver} and its input topics: on a fixed
 * instant, never on the day the test runs.
 *
 * <p>Left to itself the driver starts its wall clock at {@code Instant.now()} and stamps every
 * record piped without a timestamp with today's date. A test that mixes such a record with fixed
 * event times passes until the day the two are further apart than a TTL, and fails every day after
 * (issue 14: the dead-letter test broke seven days after it was written).
 */
public final class FixedTimeDriver {
  private FixedTimeDriver() {}

  /** A driver whose wall clock starts at {@code wallClock} and moves only when the test moves it. */
  public static TopologyTestDriver start(Topology topology, Properties config, Instant wallClock) {
    return new TopologyTestDriver(topology, config, wallClock);
  }

  /**
   * An input topic whose records, when piped without a timestamp, are all stamped {@code start}:
   * a record is then never newer than the event times the test chose.
   */
  public static <K, V> TestInputTopic<K, V> inputTopic(TopologyTestDriver driver, String topic,
      Serializer<K> keys, Serializer<V> values, Instant start) {
    return driver.createInputTopic(topic, keys, values, start, Duration.ZERO);
  }
}
