package io.meshscope.receiver.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.flatbuffers.FlatBufferBuilder;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.BytesValue;
import com.google.protobuf.Duration;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import io.envoyproxy.envoy.data.accesslog.v3.AccessLogCommon;
import io.envoyproxy.envoy.data.accesslog.v3.HTTPAccessLogEntry;
import io.envoyproxy.envoy.data.accesslog.v3.ResponseFlags;
import io.envoyproxy.envoy.data.accesslog.v3.TCPAccessLogEntry;
import io.envoyproxy.envoy.data.accesslog.v3.TLSProperties;
import io.meshscope.client.simulate.Entries;
import io.meshscope.receiver.wire.RawEntry;
import io.meshscope.schemas.AccessRecord;
import io.meshscope.schemas.PeerMetadata;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EntryNormalizerTest {

  private static final Instant START = Instant.parse("2026-11-20T10:15:30.123456Z");
  private static final Instant NOW = Instant.parse("2026-11-20T10:15:31Z");
  private static final StreamIdentity PRODUCTPAGE = IdentityParser.parse(
      Entries.identity("sidecar", "bookinfo", "productpage", "v1", "productpage-v1-abc", "10.44.0.12"));

  @Test
  void aForgedDurationNeverOverflowsIntoANegativeOne() {
    for (long seconds : new long[] {0, 1, 9_223_372_036_853L, Long.MAX_VALUE}) {
      for (int nanos : new int[] {0, 999_999_999, Integer.MAX_VALUE}) {
        var entry = TCPAccessLogEntry.newBuilder().setCommonProperties(
            AccessLogCommon.newBuilder().setDuration(Duration.newBuilder().setSeconds(seconds)
                .setNanos(nanos))).build();
        Long micros = EntryNormalizer.tcp(entry, StreamIdentity.NONE, Instant.EPOCH).record().durationMicros();
        assertTrue(micros != null && micros >= 0, seconds + "s " + nanos + "ns gave " + micros);
      }
    }
  }

  @Test
  void outboundHttpEntryKeepsEveryField() {
    EntryNormalizer.Normalized n = EntryNormalizer.http(
        Entries.outboundHttp(START, "reviews.bookinfo.svc.cluster.local", 9080, "/reviews/0", 200), PRODUCTPAGE, NOW);
    AccessRecord r = n.record();
    assertEquals("bookinfo/productpage", n.key());
    assertEquals(START, r.startTime());
    assertEquals(NOW, r.receivedAt());
    assertEquals("HTTP", r.protocol());
    assertEquals("HTTP11", r.httpVersion());
    assertEquals("outbound", r.upstreamCluster().kind());
    assertEquals("reviews.bookinfo.svc.cluster.local", r.upstreamCluster().host());
    assertEquals(9080, r.upstreamCluster().port());
    assertEquals("reviews:9080", r.request().authority());
    assertEquals("GET", r.request().method());
    assertEquals("/reviews/0", r.request().path());
    assertEquals(200, r.responseCode());
    assertEquals("10.96.0.10:9080", r.downstreamLocalAddress());
    assertEquals(420, r.bytesReceived());
    assertEquals(1204, r.bytesSent());
    assertEquals(4500L, r.durationMicros());
    assertEquals("default", r.routeName());
    assertEquals(List.of(), r.flags());
    assertEquals(List.of(), n.rejections());
  }

  @Test
  void tcpEntryCountsConnectionBytes() {
    EntryNormalizer.Normalized n = EntryNormalizer.tcp(
        Entries.outboundTcp(START, "mongodb.bookinfo.svc.cluster.local", 27017, 300, 5000), PRODUCTPAGE, NOW);
    assertEquals("TCP", n.record().protocol());
    assertNull(n.record().request());
    assertEquals(27017, n.record().upstreamCluster().port());
    assertEquals(300, n.record().bytesReceived());
    assertEquals(5000, n.record().bytesSent());
  }

  @Test
  void tenKilobyteAuthorityIsRefusedButTheEntryTravels() {
    HTTPAccessLogEntry e = Entries.outboundHttp(START, "reviews.bookinfo.svc.cluster.local", 9080, "/", 200);
    e = e.toBuilder().setRequest(e.getRequest().toBuilder().setAuthority("a".repeat(10_240))).build();
    EntryNormalizer.Normalized n = EntryNormalizer.http(e, PRODUCTPAGE, NOW);
    assertNull(n.record().request().authority());
    assertEquals(List.of("AUTHORITY_REJECTED"), n.record().flags());
    assertEquals(List.of(Rejection.AUTHORITY_TOO_LONG), n.rejections());
    assertEquals("reviews.bookinfo.svc.cluster.local", n.record().upstreamCluster().host());
  }

  @Test
  void controlCharactersInTheAuthorityAreRefused() {
    HTTPAccessLogEntry e = Entries.outboundHttp(START, "reviews.bookinfo.svc.cluster.local", 9080, "/", 200);
    e = e.toBuilder().setRequest(e.getRequest().toBuilder().setAuthority("evil.com\r\nX-Injected: 1")).build();
    EntryNormalizer.Normalized n = EntryNormalizer.http(e, PRODUCTPAGE, NOW);
    assertNull(n.record().request().authority());
    assertEquals(List.of(Rejection.CONTROL_CHARACTERS), n.rejections());
  }

  @Test
  void longPathIsCutAndFlagged() {
    HTTPAccessLogEntry e = Entries.outboundHttp(START, "reviews.bookinfo.svc.cluster.local", 9080,
        "/" + "x".repeat(5000), 200);
    AccessRecord r = EntryNormalizer.http(e, PRODUCTPAGE, NOW).record();
    assertEquals(FieldValues.MAX_PATH, r.request().path().length());
    assertEquals(List.of("PATH_TRUNCATED"), r.flags());
  }

  @Test
  void entryWithoutIdentityIsFlaggedAndKeyedUnknown() {
    EntryNormalizer.Normalized n = EntryNormalizer.http(
        Entries.outboundHttp(START, "reviews.bookinfo.svc.cluster.local", 9080, "/", 200), StreamIdentity.NONE, NOW);
    assertEquals(CallerKey.UNKNOWN, n.key());
    assertNull(n.record().reporter());
    assertEquals(List.of("NO_IDENTITY"), n.record().flags());
    assertEquals(List.of(Rejection.NO_IDENTITY), n.rejections());
  }

  @Test
  void responseFlagsBecomeEnvoyShortCodes() {
    HTTPAccessLogEntry e = Entries.outboundHttp(START, "x.example.com", 443, "/", 404);
    e = e.toBuilder().setCommonProperties(e.getCommonProperties().toBuilder().setUpstreamCluster("BlackHoleCluster")
        .setResponseFlags(ResponseFlags.newBuilder().setNoRouteFound(true).setUpstreamConnectionFailure(true))).build();
    AccessRecord r = EntryNormalizer.http(e, PRODUCTPAGE, NOW).record();
    assertEquals(List.of("UF", "NR"), r.responseFlags());
    assertEquals("blackhole", r.upstreamCluster().kind());
  }

  @Test
  void istio124PeerMetadataStructKeysAnInboundEntryByTheCaller() {
    AccessLogCommon common = Entries.outboundHttp(START, "x", 9080, "/", 200).getCommonProperties().toBuilder()
        .setUpstreamCluster("inbound|9080||")
        .putFilterStateObjects("downstream_peer", Any.pack(Entries.struct(Map.of(
            "type", "deployment", "workload", "productpage-v1", "name", "productpage-v1-abc",
            "cluster", "Kubernetes", "namespace", "bookinfo", "service", "productpage",
            "app", "productpage", "version", "v1", "identity", "spiffe://cluster.local/ns/bookinfo/sa/bookinfo-productpage"))))
        .setTlsProperties(TLSProperties.newBuilder().setPeerCertificateProperties(
            TLSProperties.CertificateProperties.newBuilder().addSubjectAltName(
                TLSProperties.CertificateProperties.SubjectAltName.newBuilder()
                    .setUri("spiffe://cluster.local/ns/bookinfo/sa/bookinfo-productpage"))))
        .build();
    StreamIdentity reviews = IdentityParser.parse(
        Entries.identity("sidecar", "bookinfo", "reviews", "v1", "reviews-v1-abc", "10.44.1.9"));
    EntryNormalizer.Normalized n = EntryNormalizer.http(HTTPAccessLogEntry.newBuilder().setCommonProperties(common).build(),
        reviews, NOW);
    PeerMetadata peer = n.record().downstreamPeer();
    assertEquals("downstream_peer", peer.source());
    assertEquals("productpage", peer.workload());
    assertEquals("bookinfo-productpage", peer.serviceAccount());
    assertEquals("productpage-v1-abc", peer.pod());
    assertEquals("bookinfo/productpage", n.key(), "an inbound entry is keyed by its caller");
    assertEquals(List.of("spiffe://cluster.local/ns/bookinfo/sa/bookinfo-productpage"), n.record().peerSans());
  }

  @Test
  void preIstio124FlatNodePeerMetadataIsDecoded() {
    FlatBufferBuilder b = new FlatBufferBuilder();
    int key = b.createString("app");
    int value = b.createString("ratings");
    b.startTable(2);
    b.addOffset(0, key, 0);
    b.addOffset(1, value, 0);
    int kv = b.endTable();
    int labels = b.createVectorOfTables(new int[] {kv});
    int name = b.createString("ratings-v1-xyz");
    int namespace = b.createString("bookinfo");
    int workload = b.createString("ratings-v1");
    int cluster = b.createString("Kubernetes");
    b.startTable(11);
    b.addOffset(0, name, 0);
    b.addOffset(1, namespace, 0);
    b.addOffset(2, labels, 0);
    b.addOffset(4, workload, 0);
    b.addOffset(9, cluster, 0);
    b.finish(b.endTable());
    Any any = Any.pack(BytesValue.of(ByteString.copyFrom(b.sizedByteArray())));
    List<Rejection> rejections = new ArrayList<>();
    PeerMetadata peer = PeerMetadataDecoder.decode(peers("wasm.upstream_peer", any), true, rejections, null);
    assertEquals("wasm.upstream_peer", peer.source());
    assertEquals("bookinfo", peer.namespace());
    assertEquals("ratings", peer.workload(), "the app label names the peer, as it names a reporter");
    assertEquals("ratings-v1-xyz", peer.pod());
    assertEquals("Kubernetes", peer.clusterId());
    assertEquals(Map.of("app", "ratings"), peer.labels());
    assertEquals(List.of(), rejections);
  }

  @Test
  void corruptFlatNodeIsCountedNotThrown() {
    byte[] junk = {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f, 1, 2, 3, 4};
    Any any = Any.pack(BytesValue.of(ByteString.copyFrom(junk)));
    List<Rejection> rejections = new ArrayList<>();
    assertNull(PeerMetadataDecoder.decode(peers("wasm.downstream_peer", any), false, rejections, null));
    assertEquals(List.of(Rejection.MALFORMED_PEER_METADATA), rejections);
  }

  @Test
  void corruptStructPeerMetadataIsCountedNotIgnored() {
    // A truncated length-delimited field: not a Struct.
    Any any = Any.newBuilder().setTypeUrl("type.googleapis.com/google.protobuf.Struct")
        .setValue(ByteString.copyFrom(new byte[] {0x0a, 0x7f, 0x01})).build();
    List<Rejection> rejections = new ArrayList<>();
    assertNull(PeerMetadataDecoder.decode(peers("upstream_peer", any), true, rejections, null));
    assertEquals(List.of(Rejection.MALFORMED_PEER_METADATA), rejections);
  }

  @Test
  void theTypeUrlDecidesWhatAnAnyHoldsAsAnyIsWould() {
    String struct = Struct.getDescriptor().getFullName();
    for (String url : List.of("type.googleapis.com/google.protobuf.Struct", "x/google.protobuf.Struct",
        "/google.protobuf.Struct", "google.protobuf.Struct", "type.googleapis.com/xgoogle.protobuf.Struct",
        "type.googleapis.com/google.protobuf.Structs", "", "type.googleapis.com/google.protobuf.BytesValue")) {
      Any any = Any.newBuilder().setTypeUrl(url).build();
      assertEquals(any.is(Struct.class), PeerMetadataDecoder.holds(any.getTypeUrl(), struct), url);
    }
  }

  @Test
  void forgedTimestampIsClampedNotFatal() {
    HTTPAccessLogEntry e = Entries.outboundHttp(START, "reviews.bookinfo.svc.cluster.local", 9080, "/", 200);
    e = e.toBuilder().setCommonProperties(e.getCommonProperties().toBuilder()
        .setStartTime(Timestamp.newBuilder().setSeconds(Long.MAX_VALUE).setNanos(-5))).build();
    assertTrue(EntryNormalizer.http(e, PRODUCTPAGE, NOW).record().startTime().isAfter(START));
  }

  /** Filter state with one key, as an entry carries it. */
  private static RawEntry.PeerState peers(String key, Any value) {
    return RawEntry.PeerState.of(Map.of(key, value));
  }
}
