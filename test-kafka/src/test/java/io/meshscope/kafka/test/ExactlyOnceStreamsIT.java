package io.meshscope.kafka.test;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The analyzer runs with exactly_once_v2: the broker the tests use must support it. */
@ExtendWith(KafkaExtension.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ExactlyOnceStreamsIT {

  @Test
  void exactlyOnceV2TopologyCopiesEveryRecordOnce(KafkaCluster kafka, @TempDir Path stateDir)
      throws Exception {
    String in = kafka.uniqueTopic("eos-in");
    String out = kafka.uniqueTopic("eos-out");
    kafka.createTopic(in, 2, Map.of());
    kafka.createTopic(out, 2, Map.of());

    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(in, Consumed.with(Serdes.String(), Serdes.String()))
        .mapValues(v -> v.toUpperCase(Locale.ROOT))
        .to(out, Produced.with(Serdes.String(), Serdes.String()));

    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, kafka.uniqueTopic("eos-app"));
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);

    try (KafkaProducer<String, String> producer = KafkaBrokerIT.producer(kafka, Map.of())) {
      for (int i = 0; i < 500; i++) {
        producer.send(new ProducerRecord<>(in, "k" + (i % 7), "v" + i));
      }
    }
    try (KafkaStreams streams = new KafkaStreams(builder.build(), props)) {
      streams.start();
      List<ConsumerRecord<String, String>> copied =
          KafkaBrokerIT.consumeAll(kafka, out, 500, IsolationLevel.READ_COMMITTED);
      assertEquals(500, copied.size());
      assertEquals(500, copied.stream().map(ConsumerRecord::value).distinct().count());
    }
  }
}
