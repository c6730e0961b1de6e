package io.meshscope.receiver.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.envoyproxy.envoy.data.accesslog.v3.HTTPAccessLogEntry;
import io.envoyproxy.envoy.service.accesslog.v3.AccessLogServiceGrpc;
import io.envoyproxy.envoy.service.accesslog.v3.StreamAccessLogsMessage;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.meshscope.client.simulate.Entries;
import io.meshscope.client.simulate.EnvoyAlsClient;
import io.meshscope.kafka.test.Await;
import io.meshscope.receiver.AlsReceiver;
import io.meshscope.receiver.ReceiverConfig;
import io.meshscope.receiver.domain.CallerKey;
import io.meshscope.receiver.domain.Rejection;
import io.meshscope.receiver.metrics.ReceiverMetrics;
import io.meshscope.receiver.sink.RecordSink;
import io.meshscope.schemas.AccessRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The ALS service over a real gRPC transport (Netty on loopback, so marshalling and size limits are
 * those of production), with a sink that keeps records in memory.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AccessLogServiceTest {

  private static final Instant T = Instant.parse("2026-11-20T10:15:30Z");

  private final Queue<Map.Entry<String, AccessRecord>> sent = new ConcurrentLinkedQueue<>();
  private final Queue<Runnable> pendingAcks = new ConcurrentLinkedQueue<>();
  private volatile boolean holdAcks;
  private final ReceiverMetrics metrics = new ReceiverMetrics();
  private AlsReceiver receiver;
  private ManagedChannel channel;

  private final RecordSink sink = new RecordSink() {
    @Override
    public void send(String key, AccessRecord record, Runnable done) {
      sent.add(Map.entry(key, record));
      if (holdAcks) {
        pendingAcks.add(done);
      } else {
        done.run();
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  private void start(Map<String, String> settings) {
    Map<String, String> all = new HashMap<>(Map.of("bootstrap.servers", "unused:9092", "metrics.port", "-1",
        "drain.seconds", "2"));
    all.putAll(settings);
    ReceiverConfig config = ReceiverConfig.fromMap(all);
    receiver = AlsReceiver.start(config, Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create()), sink,
        metrics);
    channel = Grpc.newChannelBuilderForAddress("127.0.0.1", receiver.port(), InsecureChannelCredentials.create())
        .build();
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (receiver != null) {
      receiver.close();
    }
  }

  @Test
  void identityFromTheFirstMessageAppliesToEveryLaterEntry() throws Exception {
    start(Map.of());
    EnvoyAlsClient client = new EnvoyAlsClient(channel,
        Entries.identity("sidecar", "bookinfo", "productpage", "v1", "productpage-v1-abc", "10.44.0.12"), 2, 60_000);
    for (int i = 0; i < 6; i++) {
      client.log(Entries.outboundHttp(T.plusSeconds(i), "reviews.bookinfo.svc.cluster.local", 9080, "/r/" + i, 200));
    }
    client.close();
    assertEquals(3, client.messagesSent(), "six entries in batches of two");
    assertEquals(6, sent.size());
    for (Map.Entry<String, AccessRecord> e : sent) {
      assertEquals("bookinfo/productpage", e.getKey());
      assertEquals("bookinfo/productpage", e.getValue().reporter().workload().key());
      assertEquals(List.of(), e.getValue().flags());
    }
    assertEquals(6, metrics.receivedCount("HTTP"));
    assertEquals(0, metrics.openStreams());
  }

  @Test
  void httpAndTcpEntriesBothArrive() throws Exception {
    start(Map.of());
    EnvoyAlsClient client = new EnvoyAlsClient(channel,
        Entries.identity("sidecar", "bookinfo", "ratings", "v2", "ratings-v2-abc", "10.44.3.3"), 10, 60_000);
    client.log(Entries.outboundTcp(T, "mongodb.bookinfo.svc.cluster.local", 27017, 100, 2000));
    client.log(Entries.outboundHttp(T, "details.bookinfo.svc.cluster.local", 9080, "/", 200));
    client.close();
    assertEquals(List.of("HTTP", "TCP"), sent.stream().map(e -> e.getValue().protocol()).sorted().toList());
    assertEquals(1, metrics.receivedCount("TCP"));
  }

  @Test
  void streamWithoutIdentityIsForwardedFlaggedAndCounted() throws Exception {
    start(Map.of());
    EnvoyAlsClient client = new EnvoyAlsClient(channel, null, 10, 60_000);
    client.log(Entries.outboundHttp(T, "details.bookinfo.svc.cluster.local", 9080, "/", 200));
    client.log(Entries.outboundHttp(T, "details.bookinfo.svc.cluster.local", 9080, "/", 200));
    client.close();
    assertEquals(2, sent.size());
    assertTrue(sent.stream().allMatch(e -> e.getKey().equals(CallerKey.UNKNOWN)
        && e.getValue().flags().equals(List.of("NO_IDENTITY"))));
    assertEquals(2, metrics.rejectedCount(Rejection.NO_IDENTITY));
  }

  @Test
  void malformedProtobufClosesOnlyThatStreamAndIsCounted() throws Exception {
    start(Map.of());
    Status status = sendRaw(new byte[] {0x0a, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f, 0x01});
    assertEquals(Status.Code.INVALID_ARGUMENT, status.getCode(), status.toString());
    assertTrue(status.getDescription().startsWith("malformed StreamAccessLogsMessage"), status.getDescription());
    assertEquals(1, metrics.rejectedCount(Rejection.MALFORMED_PROTOBUF));
    identityFromTheFirstMessageAppliesToEveryLaterEntryOnTheSameReceiver();
  }

  @Test
  void invalidUtf8InAHeaderIsAMalformedMessage() throws Exception {
    start(Map.of());
    HTTPAccessLogEntry entry = Entries.outboundHttp(T, "details.bookinfo.svc.cluster.local", 9080, "/", 200);
    entry = entry.toBuilder().setRequest(entry.getRequest().toBuilder().setAuthority("AAAA")).build();
    StreamAccessLogsMessage m = StreamAccessLogsMessage.newBuilder()
        .setIdentifier(Entries.identity("sidecar", "bookinfo", "productpage", "v1", "p", "10.0.0.1"))
        .setHttpLogs(StreamAccessLogsMessage.HTTPAccessLogEntries.newBuilder().addLogEntry(entry)).build();
    byte[] bytes = m.toByteArray();
    int at = indexOf(bytes, "AAAA".getBytes(StandardCharsets.US_ASCII));
    bytes[at] = (byte) 0xc3; // a lead byte followed by 'A' is not UTF-8
    bytes[at + 2] = (byte) 0xff;
    Status status = sendRaw(bytes);
    assertEquals(Status.Code.INVALID_ARGUMENT, status.getCode(), status.toString());
    assertEquals(1, metrics.rejectedCount(Rejection.MALFORMED_PROTOBUF));
    assertEquals(0, sent.size());
  }

  @Test
  void oversizedMessageClosesItsStreamAndIsCounted() throws Exception {
    start(Map.of("max.message.bytes", "4096"));
    EnvoyAlsClient client = new EnvoyAlsClient(channel,
        Entries.identity("sidecar", "bookinfo", "productpage", "v1", "p", "10.0.0.1"), 100, 60_000);
    for (int i = 0; i < 100; i++) {
      client.log(Entries.outboundHttp(T, "details.bookinfo.svc.cluster.local", 9080, "/", 200));
    }
    IllegalStateException e = assertThrows(IllegalStateException.class, client::close);
    assertTrue(e.getMessage().contains("RESOURCE_EXHAUSTED"), e.getMessage());
    Await.until(Duration.ofSeconds(10), () -> metrics.rejectedCount(Rejection.MESSAGE_TOO_LARGE) > 0,
        () -> "no message counted as too large");
    assertEquals(1, metrics.rejectedCount(Rejection.MESSAGE_TOO_LARGE));
    assertEquals(0, sent.size());
  }

  @Test
  void streamsPauseWhileKafkaHasTooManyRecordsInFlight() throws Exception {
    start(Map.of("max.inflight.records", "10"));
    holdAcks = true;
    EnvoyAlsClient client = new EnvoyAlsClient(channel,
        Entries.identity("sidecar", "bookinfo", "productpage", "v1", "p", "10.0.0.1"), 5, 60_000);
    Thread sender = new Thread(() -> {
      try {
        for (int i = 0; i < 100; i++) {
          client.log(Entries.outboundHttp(T, "details.bookinfo.svc.cluster.local", 9080, "/", 200));
        }
        client.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    sender.start();
    // The stream publishes the budget's level after each message and asks for the next only while
    // there is room: once it shows the budget spent, no more records can come without acks.
    Await.until(Duration.ofSeconds(10), () -> metrics.inflightRecords() >= 10,
        () -> "in flight: " + metrics.inflightRecords() + ", taken: " + sent.size());
    // The budget is 10; the message that crossed it is already in memory, so at most 10 + 5 - 1.
    assertTrue(sent.size() >= 10 && sent.size() <= 14, "records taken while unacknowledged: " + sent.size());
    holdAcks = false;
    Runnable ack;
    while ((ack = pendingAcks.poll()) != null) {
      ack.run();
    }
    sender.join(30_000);
    assertEquals(100, sent.size());
  }

  @Test
  void healthServiceReportsServing() {
    start(Map.of());
    HealthCheckResponse r = HealthGrpc.newBlockingStub(channel)
        .check(HealthCheckRequest.newBuilder().setService("envoy.service.accesslog.v3.AccessLogService").build());
    assertEquals(HealthCheckResponse.ServingStatus.SERVING, r.getStatus());
  }

  private void identityFromTheFirstMessageAppliesToEveryLaterEntryOnTheSameReceiver() throws Exception {
    EnvoyAlsClient client = new EnvoyAlsClient(channel,
        Entries.identity("sidecar", "bookinfo", "reviews", "v1", "reviews-v1-abc", "10.44.1.9"), 1, 60_000);
    client.log(Entries.outboundHttp(T, "ratings.bookinfo.svc.cluster.local", 9080, "/", 200));
    client.close();
    assertEquals(1, sent.size(), "a bad stream does not affect the next one");
  }

  /** Sends bytes as one gRPC message on the ALS method, bypassing the protobuf marshaller. */
  private Status sendRaw(byte[] payload) throws InterruptedException {
    MethodDescriptor<byte[], byte[]> raw = AccessLogServiceGrpc.getStreamAccessLogsMethod()
        .toBuilder(EnvoyAlsClient.bytesMarshaller(), EnvoyAlsClient.bytesMarshaller()).build();
    ClientCall<byte[], byte[]> call = channel.newCall(raw, CallOptions.DEFAULT);
    CountDownLatch closed = new CountDownLatch(1);
    AtomicReference<Status> result = new AtomicReference<>();
    call.start(new ClientCall.Listener<>() {
      @Override
      public void onClose(Status status, Metadata trailers) {
        result.set(status);
        closed.countDown();
      }
    }, new Metadata());
    call.request(1);
    call.sendMessage(payload);
    call.halfClose();
    assertTrue(closed.await(10, TimeUnit.SECONDS));
    return result.get();
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }
}
