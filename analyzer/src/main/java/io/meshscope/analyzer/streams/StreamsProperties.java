package io.meshscope.analyzer.streams;

import io.meshscope.schemas.Topics;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;

/** The Kafka Streams settings of the analyzer, in one place that tests call too. */
public final class StreamsProperties {
  private StreamsProperties() {}

  public static final String APPLICATION_ID = "meshscope-analyzer";

  /**
   * @param applicationServer {@code host:port} of this instance's HTTP endpoint, for interactive
   *     queries across instances; null when there is none
   */
  public static Properties of(String bootstrapServers, Path stateDir, String deadLetterTopic, String applicationServer,
      Map<String, String> overrides) {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID);
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    // A graph is a count of evidence: exactly once keeps a restart from counting a record twice.
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    // Graphs reach consumers at commits: the interval bounds how long a new host, or a call a
    // Sidecar blocked, takes to reach the generator. exactly_once_v2 commits every 100 ms by
    // default, a transaction each time, and each commit writes every graph changed since the last
    // to RocksDB and the changelog. Measured (docs/benchmarks.md, "Learning latency"): at 5 s a
    // blocked call took 5.0 s (p99) to its Sidecar, over the 2 s goal; at 1 s, 1.03 s, for a steady
    // rate within the runs' spread of 5 s's (320-323k against 326-327k records/s); at 500 ms, 0.54 s
    // but 9-23% less throughput.
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1000);
    // A transaction is open for the commit interval and then the commit's write-back of changed
    // graphs; Kafka Streams' 10 s default would leave 5 s for a GC pause, a slow broker or an aging
    // punctuation before the producer is fenced and the tasks are rebalanced. The price of more
    // room: a crashed instance that does not come back holds up read_committed consumers of its
    // partitions until the broker aborts its transaction, here at most 30 s.
    p.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), 30_000);
    // A killed instance leaves the group only when its session times out, and until then no task
    // moves: its partitions' graphs stop, and an instance restarted at once waits too. With the
    // 45 s default the fault harness saw a SIGKILLed analyzer take 46 s to run again (docs/
    // reliability.md); the heartbeat thread is not held up by processing, so 10 s is room enough.
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 10_000);
    p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 32L * 1024 * 1024);
    // Kafka Streams runs one thread unless told otherwise, which leaves the other cores idle; a
    // thread per core shares the tasks (partitions) among them.
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Runtime.getRuntime().availableProcessors());
    // A task reads an access-log partition and the repartition partition beside it, which is mostly
    // empty. By default Kafka Streams checks that empty partition's fetch lag before every record,
    // to keep timestamp order across the two; merging observations does not need that order (it
    // takes the earliest and latest times it sees), and the check cost 8% of the stream threads.
    p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, -1L);
    // A record that cannot be read or processed goes to the dead-letter topic, with the exception
    // in its headers, and the application keeps running.
    p.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG,
        deadLetterTopic == null ? Topics.DEAD_LETTERS : deadLetterTopic);
    p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
    p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueProcessingExceptionHandler.class);
    p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
    // Kafka 4.4's partition assignor re-reads the main consumer's settings as a StreamsConfig, and
    // warned at every start, once per thread, that this flag was off; give the consumer it too.
    p.put(StreamsConfig.mainConsumerPrefix(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG), true);
    if (applicationServer != null) {
      p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, applicationServer);
    }
    p.putAll(overrides);
    return p;
  }
}
