package io.meshscope.receiver.sink;

import io.meshscope.receiver.metrics.ReceiverMetrics;
import io.meshscope.schemas.AccessRecord;
import io.meshscope.schemas.JsonSerde;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Produces access records to {@code meshscope.access-logs} with settings that do not lose data. */
public final class KafkaRecordSink implements RecordSink {

  private static final Logger log = LoggerFactory.getLogger(KafkaRecordSink.class);

  private final KafkaProducer<String, AccessRecord> producer;
  private final String topic;
  private final ReceiverMetrics metrics;
  private final AtomicLong failures = new AtomicLong();

  public KafkaRecordSink(String bootstrapServers, String topic, Map<String, String> overrides, ReceiverMetrics metrics) {
    this.topic = topic;
    this.metrics = metrics;
    JsonSerde<AccessRecord> serde = AccessRecordBytes.serde();
    this.producer = new KafkaProducer<>(producerConfig(bootstrapServers, overrides), new StringSerializer(),
        serde.serializer());
  }

  /** The defaults, then the user's overrides; exposed for the benchmark, which must use the same. */
  public static Map<String, Object> producerConfig(String bootstrapServers, Map<String, String> overrides) {
    Map<String, Object> p = new HashMap<>();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "meshscope-als-receiver");
    // No loss, no duplicates on retry, order kept per key.
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
    // JSON access records compress about 5:1; lz4 is cheap on the CPU the receiver needs for parsing.
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 10);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
    p.putAll(overrides);
    return p;
  }

  @Override
  public void send(String key, AccessRecord record, Runnable done) {
    long start = System.nanoTime();
    try {
      producer.send(new ProducerRecord<>(topic, key, record), (metadata, error) -> {
        try {
          if (error == null) {
            metrics.produced(System.nanoTime() - start);
          } else {
            metrics.producerError();
            // One line per failure would flood the log in an outage: the first and then every 1000th.
            long n = failures.incrementAndGet();
            if (n == 1 || n % 1000 == 0) {
              log.error("Kafka refused access records ({} so far), last for key {}: {}", n, key, error.toString());
            }
          }
        } finally {
          done.run();
        }
      });
    } catch (RuntimeException e) {
      // Serialization or a closed producer: the callback never runs, so account for it here.
      metrics.producerError();
      log.error("could not hand an access record for {} to Kafka: {}", key, e.toString());
      done.run();
    }
  }

  @Override
  public void flush() {
    producer.flush();
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(30));
  }
}
