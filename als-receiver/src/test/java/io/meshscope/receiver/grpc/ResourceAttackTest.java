package io.meshscope.receiver.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.envoyproxy.envoy.service.accesslog.v3.AccessLogServiceGrpc;
import io.envoyproxy.envoy.service.accesslog.v3.StreamAccessLogsResponse;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.meshscope.client.simulate.Entries;
import io.meshscope.client.simulate.EnvoyAlsClient;
import io.meshscope.client.simulate.SlowDrip;
import io.meshscope.kafka.test.Await;
import io.meshscope.receiver.AlsReceiver;
import io.meshscope.receiver.ReceiverConfig;
import io.meshscope.receiver.domain.Rejection;
import io.meshscope.receiver.metrics.ReceiverMetrics;
import io.meshscope.receiver.sink.RecordSink;
import io.meshscope.schemas.AccessRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The CI-sized resource attacks of issue 17 (item 3) on a real gRPC server over loopback: a
 * compression bomb, streams that open and never send, and one client flooding the receiver. The
 * receiver stays up and serves the other streams; what each costs is measured in the benchmark.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ResourceAttackTest {

  private static final Instant T = Instant.parse("2026-11-20T10:15:30Z");

  /** Envoy's method with bytes for messages: streams that send nothing, or what a test writes. */
  private static final MethodDescriptor<byte[], StreamAccessLogsResponse> RAW =
      AccessLogServiceGrpc.getStreamAccessLogsMethod().toBuilder(EnvoyAlsClient.bytesMarshaller(),
          AccessLogServiceGrpc.getStreamAccessLogsMethod().getResponseMarshaller()).build();

  private final AtomicLong sent = new AtomicLong();
  private final Map<String, AtomicLong> byWorkload = new ConcurrentHashMap<>();
  private final ReceiverMetrics metrics = new ReceiverMetrics();
  private final List<ManagedChannel> channels = new ArrayList<>();
  private AlsReceiver receiver;

  private final RecordSink sink = new RecordSink() {
    @Override
    public void send(String key, AccessRecord record, Runnable done) {
      sent.incrementAndGet();
      byWorkload.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
      done.run();
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  private void start(Map<String, String> settings) {
    Map<String, String> all = new HashMap<>(Map.of("bootstrap.servers", "unused:9092", "metrics.port", "-1",
        "drain.seconds", "1"));
    all.putAll(settings);
    receiver = AlsReceiver.start(ReceiverConfig.fromMap(all),
        Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create()), sink, metrics);
  }

  private ManagedChannel channel() {
    ManagedChannel c = Grpc.newChannelBuilderForAddress("127.0.0.1", receiver.port(),
        InsecureChannelCredentials.create()).build();
    channels.add(c);
    return c;
  }

  @AfterEach
  void stop() throws InterruptedException {
    for (ManagedChannel c : channels) {
      c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (receiver != null) {
      receiver.close();
    }
  }

  private void sendAs(Channel channel, String app, int entries) throws InterruptedException {
    EnvoyAlsClient client = new EnvoyAlsClient(channel,
        Entries.identity("sidecar", "bookinfo", app, "v1", app + "-v1-abc", "10.44.0.12"), 100, 60_000);
    for (int i = 0; i < entries; i++) {
      client.log(Entries.outboundHttp(T, "reviews.bookinfo.svc.cluster.local", 9080, "/" + i, 200));
    }
    client.close();
  }

  @Test
  void aCompressionBombIsRefusedByItsSizeUnpackedAndOthersGoOn() throws Exception {
    start(Map.of());
    // 16 MiB of one character in a path: gzip makes it about 16 KiB on the wire, far below the
    // 4 MiB limit; the limit must hold for the message as unpacked.
    Channel gzip = ClientInterceptors.intercept(channel(), new ClientInterceptor() {
      @Override
      public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        return next.newCall(method, options.withCompression("gzip"));
      }
    });
    EnvoyAlsClient bomb = new EnvoyAlsClient(gzip,
        Entries.identity("sidecar", "evil", "bomb", "v1", "bomb-1", "10.9.9.9"), 1, 60_000);
    bomb.log(Entries.outboundHttp(T, "x.example.com", 80, "/" + "a".repeat(16 << 20), 200));
    IllegalStateException e = assertThrows(IllegalStateException.class, bomb::close);
    assertTrue(e.getMessage().contains("RESOURCE_EXHAUSTED"), e.getMessage());
    Await.until(Duration.ofSeconds(10), () -> metrics.rejectedCount(Rejection.MESSAGE_TOO_LARGE) == 1,
        () -> "the bomb was not counted as too large: " + metrics.rejectedCount(Rejection.MESSAGE_TOO_LARGE)
            + ", malformed " + metrics.rejectedCount(Rejection.MALFORMED_PROTOBUF));
    assertEquals(0, sent.get());

    sendAs(channel(), "productpage", 10);
    assertEquals(10, sent.get(), "the receiver serves the next stream");
  }

  @Test
  void streamsThatOpenAndNeverSendHoldNothingBack() throws Exception {
    // Every client here is 127.0.0.1: as if each stream were its own pod, the per-client cap is
    // lifted (the cap is the next test's).
    start(Map.of("max.streams.per.client", "100000"));
    ManagedChannel idle = channel();
    MethodDescriptor<byte[], StreamAccessLogsResponse> raw = RAW;
    int streams = 2_000;
    List<ClientCall<byte[], StreamAccessLogsResponse>> calls = new ArrayList<>();
    for (int i = 0; i < streams; i++) {
      ClientCall<byte[], StreamAccessLogsResponse> call = idle.newCall(raw, CallOptions.DEFAULT);
      call.start(new ClientCall.Listener<>() {}, new Metadata());
      calls.add(call);
    }
    Await.until(Duration.ofSeconds(30), () -> metrics.openStreams() >= streams,
        () -> "open streams: " + metrics.openStreams());

    sendAs(channel(), "productpage", 500);
    assertEquals(500, sent.get(), "every entry of a real stream arrives among the idle ones");
    calls.forEach(c -> c.cancel("done", null));
    Await.until(Duration.ofSeconds(30), () -> metrics.openStreams() == 0,
        () -> "open streams after cancelling: " + metrics.openStreams());
  }

  @Test
  void aFloodFromOneClientDoesNotStopAnother() throws Exception {
    start(Map.of("max.inflight.records", "2000"));
    ManagedChannel flood = channel();
    List<Thread> flooders = new ArrayList<>();
    for (int s = 0; s < 8; s++) {
      Thread t = new Thread(() -> {
        try {
          sendAs(flood, "flood", 20_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      t.start();
      flooders.add(t);
    }
    Await.until(Duration.ofSeconds(30), () -> sent.get() > 10_000, () -> "the flood has not started: " + sent.get());
    long before = System.nanoTime();
    sendAs(channel(), "productpage", 1_000);
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before);
    for (Thread t : flooders) {
      t.join(90_000);
    }
    assertEquals(1_000, byWorkload.get("bookinfo/productpage").get(), "the other client's entries all arrive");
    assertEquals(160_000, byWorkload.get("bookinfo/flood").get());
    System.out.printf("1,000 entries of another client took %d ms during a flood of 160,000%n", ms);
  }

  @Test
  void streamsThatDripAMessageAndStopAreClosedAndOthersGoOn() throws Exception {
    start(Map.of("message.timeout.seconds", "1"));
    // Four streams each send all of a 200 KiB message but its last byte, and stop: gRPC would hold
    // the 800 KiB for as long as they stay.
    try (SlowDrip drip = SlowDrip.start("127.0.0.1", receiver.port(), 1, 4, 200 << 10)) {
      Await.until(Duration.ofSeconds(30), () -> metrics.rejectedCount(Rejection.SLOW_MESSAGE) == 4,
          () -> "closed as slow: " + metrics.rejectedCount(Rejection.SLOW_MESSAGE) + ", bytes dripped "
              + drip.bytesSent());
      assertTrue(drip.bytesSent() >= 4 * ((200 << 10) - 1), "the messages had all but arrived: " + drip.bytesSent());
      Await.until(Duration.ofSeconds(10), () -> metrics.openStreams() == 0,
          () -> "open streams: " + metrics.openStreams());
      assertEquals(0, metrics.rejectedCount(Rejection.MESSAGE_TOO_LARGE), "slow is not counted as too large");
    }
    sendAs(channel(), "productpage", 10);
    assertEquals(10, sent.get(), "the receiver serves the next stream");
  }

  @Test
  void oneClientCannotKeepMoreStreamsOpenThanItsShare() throws Exception {
    start(Map.of("max.streams.per.client", "8"));
    ManagedChannel greedy = channel();
    MethodDescriptor<byte[], StreamAccessLogsResponse> raw = RAW;
    List<io.grpc.Status> refused = java.util.Collections.synchronizedList(new ArrayList<>());
    List<ClientCall<byte[], StreamAccessLogsResponse>> calls = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      ClientCall<byte[], StreamAccessLogsResponse> call = greedy.newCall(raw, CallOptions.DEFAULT);
      call.start(new ClientCall.Listener<>() {
        @Override
        public void onClose(io.grpc.Status status, Metadata trailers) {
          refused.add(status);
        }
      }, new Metadata());
      calls.add(call);
    }
    Await.until(Duration.ofSeconds(30), () -> refused.size() == 12 && metrics.openStreams() == 8,
        () -> "refused " + refused.size() + ", open " + metrics.openStreams());
    assertTrue(refused.stream().allMatch(st -> st.getCode() == io.grpc.Status.Code.RESOURCE_EXHAUSTED), refused.toString());
    assertEquals(12, metrics.rejectedCount(Rejection.TOO_MANY_STREAMS));
    assertEquals(0, metrics.rejectedCount(Rejection.MESSAGE_TOO_LARGE), "a refused stream is not an oversized one");

    // Closing its streams gives the client its share back.
    calls.forEach(c -> c.cancel("done", null));
    Await.until(Duration.ofSeconds(30), () -> metrics.openStreams() == 0, () -> "open: " + metrics.openStreams());
    sendAs(channel(), "productpage", 10);
    assertEquals(10, sent.get());
  }
}
