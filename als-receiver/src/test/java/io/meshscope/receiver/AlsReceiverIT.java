package io.meshscope.receiver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.meshscope.client.simulate.Entries;
import io.meshscope.client.simulate.EnvoyAlsClient;
import io.meshscope.kafka.test.KafkaCluster;
import io.meshscope.kafka.test.KafkaExtension;
import io.meshscope.schemas.AccessRecord;
import io.meshscope.schemas.Topics;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The receiver end to end: Envoy-like streams in, records on a real Kafka out. */
@ExtendWith(KafkaExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class AlsReceiverIT {

  private static final int STREAMS = 8;
  private static final int PER_STREAM = 2_500;
  private static final Instant T = Instant.parse("2026-11-20T10:00:00Z");

  @Test
  void eightStreamsOfTwentyThousandEntriesArriveExactlyOnceWithTheirKeys(KafkaCluster kafka) throws Exception {
    String topic = kafka.uniqueTopic("access-logs");
    kafka.createTopic(topic, 4, Map.of());
    ReceiverConfig config = ReceiverConfig.fromMap(Map.of(
        "bootstrap.servers", kafka.bootstrapServers(), "topic", topic, "grpc.port", "0", "metrics.port", "0"));

    try (AlsReceiver receiver = AlsReceiver.start(config)) {
      ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", receiver.port(),
          InsecureChannelCredentials.create()).build();
      ExecutorService pool = Executors.newFixedThreadPool(STREAMS);
      try {
        List<Future<?>> senders = new ArrayList<>();
        for (int s = 0; s < STREAMS; s++) {
          int stream = s;
          senders.add(pool.submit(() -> {
            EnvoyAlsClient client = new EnvoyAlsClient(channel, Entries.identity("sidecar", "shop",
                "svc" + stream, "v1", "svc" + stream + "-v1-abc", "10.1.0." + stream), 100, 1_000);
            for (int i = 0; i < PER_STREAM; i++) {
              if (i % 10 == 0) {
                client.log(Entries.outboundTcp(T.plusMillis(i), "db.shop.svc.cluster.local", 5432, i, 1));
              } else {
                client.log(Entries.outboundHttp(T.plusMillis(i), "svc" + ((stream + 1) % STREAMS)
                    + ".shop.svc.cluster.local", 8080, "/" + i, 200));
              }
            }
            client.close();
            return null;
          }));
        }
        for (Future<?> f : senders) {
          f.get(2, TimeUnit.MINUTES);
        }
      } finally {
        pool.shutdownNow();
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      String metrics = new String(new URL("http://127.0.0.1:" + receiver.metricsPort() + "/metrics")
          .openStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(metrics.contains("meshscope_receiver_entries_received_total{protocol=\"HTTP\"} 18000.0"), metrics);
    }

    List<ConsumerRecord<String, AccessRecord>> records = kafka.consumeAll(topic, new StringDeserializer(),
        Topics.accessLogs().valueSerde().deserializer(), STREAMS * PER_STREAM, IsolationLevel.READ_UNCOMMITTED);
    assertEquals(STREAMS * PER_STREAM, records.size());
    Map<String, Integer> perKey = new HashMap<>();
    Set<String> distinct = new HashSet<>();
    for (ConsumerRecord<String, AccessRecord> r : records) {
      AccessRecord a = r.value();
      assertEquals(r.key(), a.reporter().workload().key(), "key is the calling workload");
      perKey.merge(r.key(), 1, Integer::sum);
      String what = a.protocol().equals("TCP") ? "tcp:" + a.bytesReceived() : a.request().path();
      distinct.add(r.key() + " " + what);
      if (a.protocol().equals("TCP")) {
        assertEquals("db.shop.svc.cluster.local", a.upstreamCluster().host());
        assertEquals(5432, a.upstreamCluster().port());
      } else {
        assertEquals(200, a.responseCode());
        assertEquals("outbound", a.upstreamCluster().kind());
      }
    }
    assertEquals(STREAMS, perKey.size());
    perKey.forEach((k, n) -> assertEquals(PER_STREAM, n, "records for " + k));
    assertEquals(STREAMS * PER_STREAM, distinct.size(), "no entry arrived twice");
  }
}
