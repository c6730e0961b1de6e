package io.meshscope.receiver.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.ClientInterceptors;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.MetadataUtils;
import io.meshscope.client.simulate.Entries;
import io.meshscope.client.simulate.EnvoyAlsClient;
import io.meshscope.receiver.AlsReceiver;
import io.meshscope.receiver.ReceiverConfig;
import io.meshscope.receiver.domain.CallerKey;
import io.meshscope.receiver.domain.Rejection;
import io.meshscope.receiver.metrics.ReceiverMetrics;
import io.meshscope.receiver.sink.RecordSink;
import io.meshscope.schemas.AccessRecord;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stream's identity bound to the certificate that authenticated it (issue 17, item 4), over real
 * mTLS with certificates made in the test, and through the header of a sidecar in front: a stream
 * that claims another namespace or service account than its certificate's is forwarded flagged,
 * under no workload's key, and counted.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IdentityBindingGrpcTest {

  private static final String AUTHORITY = "als-receiver.meshscope.test";
  private static final Instant T = Instant.parse("2026-11-20T10:15:30Z");
  private static final String PRODUCTPAGE_ID = "spiffe://cluster.local/ns/bookinfo/sa/bookinfo-productpage";

  @TempDir
  Path dir;

  private final Queue<Map.Entry<String, AccessRecord>> sent = new ConcurrentLinkedQueue<>();
  private final ReceiverMetrics metrics = new ReceiverMetrics();
  private final List<AutoCloseable> open = new ArrayList<>();

  private final RecordSink sink = new RecordSink() {
    @Override
    public void send(String key, AccessRecord record, Runnable done) {
      sent.add(Map.entry(key, record));
      done.run();
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  private AlsReceiver start(Map<String, String> settings, boolean tls) throws Exception {
    Map<String, String> all = new HashMap<>(Map.of("bootstrap.servers", "unused:9092", "grpc.port", "0",
        "metrics.port", "-1", "drain.seconds", "2"));
    all.putAll(settings);
    ReceiverConfig config = ReceiverConfig.fromMap(all);
    AlsReceiver receiver = AlsReceiver.start(config, Grpc.newServerBuilderForPort(0,
        tls ? AlsReceiver.serverCredentials(config) : InsecureServerCredentials.create()), sink, metrics);
    open.add(receiver);
    return receiver;
  }

  private ManagedChannel channel(AlsReceiver receiver, ChannelCredentials credentials) {
    ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", receiver.port(), credentials)
        .overrideAuthority(AUTHORITY).build();
    open.add(0, () -> channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
    return channel;
  }

  /** Two entries from a proxy whose node metadata says it is bookinfo/productpage. */
  private void sendAsProductpage(Channel channel) throws Exception {
    EnvoyAlsClient client = new EnvoyAlsClient(channel,
        Entries.identity("sidecar", "bookinfo", "productpage", "v1", "productpage-v1-abc", "10.44.0.12"), 10, 60_000);
    client.log(Entries.outboundHttp(T, "reviews.bookinfo.svc.cluster.local", 9080, "/", 200));
    client.log(Entries.outboundHttp(T, "details.bookinfo.svc.cluster.local", 9080, "/", 200));
    client.close();
  }

  private void assertAccepted() {
    assertEquals(2, sent.size());
    assertTrue(sent.stream().allMatch(e -> e.getKey().equals("bookinfo/productpage") && e.getValue().flags().isEmpty()),
        sent.toString());
    assertEquals(0, metrics.rejectedCount(Rejection.IDENTITY_MISMATCH));
  }

  private void assertRefused() {
    assertRefused(1);
  }

  /** The last stream was refused, the {@code streams}th so far in this test. */
  private void assertRefused(int streams) {
    assertEquals(2, sent.size(), "nothing is dropped");
    assertTrue(sent.stream().allMatch(e -> e.getKey().equals(CallerKey.UNKNOWN) && e.getValue().reporter() == null
        && e.getValue().flags().equals(List.of("IDENTITY_MISMATCH"))), sent.toString());
    assertEquals(2.0 * streams, metrics.rejectedCount(Rejection.IDENTITY_MISMATCH));
  }

  private Map<String, String> mutualTls(TestCertificates ca, TestCertificates.Issued server) {
    return Map.of("tls.cert", server.cert().toString(), "tls.key", server.key().toString(),
        "tls.client.ca", ca.caPem().toString());
  }

  @Test
  void overMutualTlsTheCertificateOfTheClaimedWorkloadIsAccepted() throws Exception {
    TestCertificates ca = TestCertificates.authority(dir, "mesh-ca");
    TestCertificates.Issued client = ca.client("productpage", PRODUCTPAGE_ID);
    AlsReceiver receiver = start(mutualTls(ca, ca.server("receiver", AUTHORITY)), true);
    sendAsProductpage(channel(receiver, TlsChannelCredentials.newBuilder().trustManager(ca.caPem().toFile())
        .keyManager(client.cert().toFile(), client.key().toFile()).build()));
    assertAccepted();
  }

  @Test
  void overMutualTlsAPodThatClaimsAnotherWorkloadIsRefused() throws Exception {
    TestCertificates ca = TestCertificates.authority(dir, "mesh-ca");
    // A compromised pod in "evil" holds its own valid certificate and claims to be productpage.
    TestCertificates.Issued mallory = ca.client("mallory", "spiffe://cluster.local/ns/evil/sa/mallory");
    AlsReceiver receiver = start(mutualTls(ca, ca.server("receiver", AUTHORITY)), true);
    sendAsProductpage(channel(receiver, TlsChannelCredentials.newBuilder().trustManager(ca.caPem().toFile())
        .keyManager(mallory.cert().toFile(), mallory.key().toFile()).build()));
    assertRefused();
  }

  @Test
  void overMutualTlsATrustDomainTheOperatorDidNotAllowIsRefused() throws Exception {
    TestCertificates ca = TestCertificates.authority(dir, "mesh-ca");
    TestCertificates.Issued client = ca.client("productpage", "spiffe://remote.example/ns/bookinfo/sa/bookinfo-productpage");
    Map<String, String> settings = new HashMap<>(mutualTls(ca, ca.server("receiver", AUTHORITY)));
    settings.put("trust.domains", "cluster.local,east.example");
    AlsReceiver receiver = start(settings, true);
    sendAsProductpage(channel(receiver, TlsChannelCredentials.newBuilder().trustManager(ca.caPem().toFile())
        .keyManager(client.cert().toFile(), client.key().toFile()).build()));
    assertRefused();
  }

  private static Channel withForwardedCert(ManagedChannel channel, String header) {
    Metadata headers = new Metadata();
    headers.put(Metadata.Key.of("x-forwarded-client-cert", Metadata.ASCII_STRING_MARSHALLER), header);
    return ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  @Test
  void behindASidecarTheForwardedIdentityIsChecked() throws Exception {
    AlsReceiver receiver = start(Map.of("behind.sidecar", "true"), false);
    ManagedChannel channel = channel(receiver, InsecureChannelCredentials.create());
    sendAsProductpage(withForwardedCert(channel, "By=spiffe://cluster.local/ns/meshscope/sa/meshscope-receiver;"
        + "Hash=1f;URI=" + PRODUCTPAGE_ID));
    assertAccepted();
    sent.clear();
    // What the client put in the header itself comes before the sidecar's element and is not believed.
    String sidecars = "By=spiffe://cluster.local/ns/meshscope/sa/meshscope-receiver;Hash=1f;"
        + "URI=spiffe://cluster.local/ns/evil/sa/mallory";
    sendAsProductpage(withForwardedCert(channel, "URI=" + PRODUCTPAGE_ID + "," + sidecars));
    assertRefused();
    sent.clear();
    // Nor when it leaves a quote open to make the sidecar's element a value of its own.
    sendAsProductpage(withForwardedCert(channel, "By=x;Hash=1;URI=" + PRODUCTPAGE_ID + ";x=\"," + sidecars));
    assertRefused(2);
  }

  @Test
  void behindASidecarAStreamWithoutTheHeaderIsRefused() throws Exception {
    AlsReceiver receiver = start(Map.of("behind.sidecar", "true"), false);
    sendAsProductpage(channel(receiver, InsecureChannelCredentials.create()));
    assertRefused();
  }

  @Test
  void withoutASidecarTheHeaderIsNotRead() throws Exception {
    // Anyone can send the header to a receiver without a sidecar in front: it must change nothing.
    AlsReceiver receiver = start(Map.of(), false);
    sendAsProductpage(withForwardedCert(channel(receiver, InsecureChannelCredentials.create()),
        "URI=spiffe://cluster.local/ns/evil/sa/mallory"));
    assertAccepted();
  }
}
