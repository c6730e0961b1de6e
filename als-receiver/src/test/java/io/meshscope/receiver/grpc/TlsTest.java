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
import io.grpc.testing.TlsTesting;
import io.meshscope.receiver.AlsReceiver;
import io.meshscope.receiver.ReceiverConfig;
import io.meshscope.receiver.ReceiverMetrics;
import io.meshscope.schemas.AccessRecord;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** TLS and mTLS on the ALS port, with gRPC's test CA and certificates. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsTest {

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

  private Path cert(String name) throws Exception {
    Path p = dir.resolve(name);
    if (!Files.exists(p)) {
      try (InputStream in = TlsTesting.loadCert(name)) {
        Files.copy(in, p);
      }
    }
    return p;
  }

  private AlsReceiver start(boolean mutual) throws Exception {
    Map<String, String> s = new HashMap<>(Map.of("bootstrap.servers", "unused:9092", "grpc.port", "0",
        "metrics.port", "-1", "tls.cert", cert("server1.pem").toString(), "tls.key", cert("server1.key").toString()));
    if (mutual) {
      s.put("tls.client.ca", cert("ca.pem").toString());
    }
    ReceiverConfig config = ReceiverConfig.fromMap(s);
    return AlsReceiver.start(config, Grpc.newServerBuilderForPort(0, AlsReceiver.serverCredentials(config)), nowhere,
        new ReceiverMetrics());
  }

  private Status.Code check(AlsReceiver receiver, ChannelCredentials credentials) throws InterruptedException {
    ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", receiver.port(), credentials)
        .overrideAuthority("foo.test.google.fr").build();
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
          .trustManager(cert("ca.pem").toFile()).build()));
      assertEquals(Status.Code.UNAVAILABLE, check(receiver, InsecureChannelCredentials.create()));
    }
  }

  @Test
  void mutualTlsRequiresAClientCertificateFromTheCa() throws Exception {
    try (AlsReceiver receiver = start(true)) {
      assertEquals(Status.Code.OK, check(receiver, TlsChannelCredentials.newBuilder()
          .trustManager(cert("ca.pem").toFile())
          .keyManager(cert("client.pem").toFile(), cert("client.key").toFile()).build()));
      assertEquals(Status.Code.UNAVAILABLE, check(receiver, TlsChannelCredentials.newBuilder()
          .trustManager(cert("ca.pem").toFile()).build()));
    }
  }

  @Test
  void halfATlsConfigurationIsRefusedWithTheReason() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ReceiverConfig.fromMap(
        Map.of("bootstrap.servers", "k:9092", "tls.cert", "/nonexistent.pem")));
    assertEquals("tls.cert and tls.key go together: set both or neither", e.getMessage());
  }
}
