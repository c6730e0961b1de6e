package io.meshscope.receiver.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.meshscope.receiver.AlsReceiver;
import io.meshscope.receiver.ReceiverConfig;
import io.meshscope.receiver.metrics.ReceiverMetrics;
import io.meshscope.receiver.sink.RecordSink;
import io.meshscope.schemas.AccessRecord;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** TLS and mTLS on the ALS port, with a CA and certificates made for each test (TestCertificates). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsTest {

  private static final String AUTHORITY = "als-receiver.meshscope.test";

  @TempDir
  Path dir;

  private final RecordSink nowhere = new RecordSink() {
    @Override
    public void send(String key, AccessRecord record, Runnable done) {
      done.run();
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  private TestCertificates ca;
  private TestCertificates.Issued server;

  @BeforeEach
  void issue() throws Exception {
    ca = TestCertificates.authority(dir, "meshscope-test-ca");
    server = ca.server("receiver", AUTHORITY);
  }

  private AlsReceiver start(boolean mutual) throws Exception {
    Map<String, String> s = new HashMap<>(Map.of("bootstrap.servers", "unused:9092", "grpc.port", "0",
        "metrics.port", "-1", "tls.cert", server.cert().toString(), "tls.key", server.key().toString()));
    if (mutual) {
      s.put("tls.client.ca", ca.caPem().toString());
    }
    ReceiverConfig config = ReceiverConfig.fromMap(s);
    return AlsReceiver.start(config, Grpc.newServerBuilderForPort(0, AlsReceiver.serverCredentials(config)), nowhere,
        new ReceiverMetrics());
  }

  private Status.Code check(AlsReceiver receiver, ChannelCredentials credentials) throws InterruptedException {
    ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", receiver.port(), credentials)
        .overrideAuthority(AUTHORITY).build();
    try {
      HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
          .check(HealthCheckRequest.getDefaultInstance());
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void tlsServesClientsThatTrustTheCaAndRefusesPlaintext() throws Exception {
    try (AlsReceiver receiver = start(false)) {
      assertEquals(Status.Code.OK, check(receiver, TlsChannelCredentials.newBuilder()
          .trustManager(ca.caPem().toFile()).build()));
      assertEquals(Status.Code.UNAVAILABLE, check(receiver, InsecureChannelCredentials.create()));
    }
  }

  @Test
  void mutualTlsRequiresAClientCertificateFromTheCa() throws Exception {
    TestCertificates.Issued client = ca.client("envoy", "spiffe://cluster.local/ns/bookinfo/sa/bookinfo-productpage");
    TestCertificates.Issued stranger = TestCertificates.authority(dir, "another-ca")
        .client("stranger", "spiffe://cluster.local/ns/bookinfo/sa/bookinfo-productpage");
    try (AlsReceiver receiver = start(true)) {
      assertEquals(Status.Code.OK, check(receiver, TlsChannelCredentials.newBuilder()
          .trustManager(ca.caPem().toFile())
          .keyManager(client.cert().toFile(), client.key().toFile()).build()));
      assertEquals(Status.Code.UNAVAILABLE, check(receiver, TlsChannelCredentials.newBuilder()
          .trustManager(ca.caPem().toFile()).build()));
      assertEquals(Status.Code.UNAVAILABLE, check(receiver, TlsChannelCredentials.newBuilder()
          .trustManager(ca.caPem().toFile())
          .keyManager(stranger.cert().toFile(), stranger.key().toFile()).build()));
    }
  }

  @Test
  void halfATlsConfigurationIsRefusedWithTheReason() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ReceiverConfig.fromMap(
        Map.of("bootstrap.servers", "k:9092", "tls.cert", "/nonexistent.pem")));
    assertEquals("tls.cert and tls.key go together: set both or neither", e.getMessage());
  }
}
