package io.meshscope.receiver.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Duration;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.UnknownFieldSet;
import com.google.protobuf.Value;
import com.google.protobuf.WireFormat;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.EnvoyInternalAddress;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.core.v3.Pipe;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.data.accesslog.v3.AccessLogCommon;
import io.envoyproxy.envoy.data.accesslog.v3.ConnectionProperties;
import io.envoyproxy.envoy.data.accesslog.v3.HTTPAccessLogEntry;
import io.envoyproxy.envoy.data.accesslog.v3.HTTPRequestProperties;
import io.envoyproxy.envoy.data.accesslog.v3.HTTPResponseProperties;
import io.envoyproxy.envoy.data.accesslog.v3.ResponseFlags;
import io.envoyproxy.envoy.data.accesslog.v3.TCPAccessLogEntry;
import io.envoyproxy.envoy.data.accesslog.v3.TLSProperties.CertificateProperties.SubjectAltName;
import io.envoyproxy.envoy.data.accesslog.v3.TLSProperties.CertificateProperties;
import io.envoyproxy.envoy.data.accesslog.v3.TLSProperties;
import io.envoyproxy.envoy.service.accesslog.v3.StreamAccessLogsMessage;
import io.meshscope.client.simulate.Entries;
import io.meshscope.receiver.domain.EntryNormalizer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The wire decoder against protobuf-java on the same bytes: random messages with every field the
 * normalizer reads, fields it skips, unknown fields and wrong wire types must decode to equal
 * entries both ways, and corrupted bytes must never be accepted by it where protobuf-java refuses
 * them for a field it reads.
 */
class WireDecoderTest {

  private static final List<String> FILTER_KEYS = List.of(RawEntry.PeerState.UPSTREAM,
      RawEntry.PeerState.DOWNSTREAM, RawEntry.PeerState.WASM_UPSTREAM, RawEntry.PeerState.WASM_DOWNSTREAM,
      "istio.peer_principal", "");
  private static final List<String> TYPE_URLS = List.of("type.googleapis.com/google.protobuf.Struct",
      "type.googleapis.com/google.protobuf.BytesValue", "type.googleapis.com/google.protobuf.StringValue", "", "x/");

  @Test
  void randomMessagesDecodeAsProtobufJavaDecodesThem() throws Exception {
    Random r = new Random(20261126);
    for (int i = 0; i < 3000; i++) {
      byte[] bytes = message(r).toByteArray();
      assertSameEntries(bytes, "message " + i);
    }
  }

  @Test
  void concatenatedMessagesMergeAsProtobufMergesThem() throws Exception {
    // Serialized messages one after the other are one message with both merged: repeated
    // sub-messages, oneofs switching case, singular fields overwritten, maps with the later value.
    // Three parts make a oneof come back to an earlier case (HTTP, TCP, HTTP), where protobuf-java
    // merges into the earlier value.
    Random r = new Random(7);
    for (int i = 0; i < 3000; i++) {
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      for (int k = 2 + r.nextInt(2); k > 0; k--) {
        all.writeBytes(message(r).toByteArray());
      }
      assertSameEntries(all.toByteArray(), "parts " + i);
    }
  }

  @Test
  void anEntryWhoseFieldsComeTwiceMergesAsProtobufMergesIt() throws Exception {
    // One entry made of two entries' bytes: every sub-message (addresses, times, TLS, request,
    // response, flags) and every singular field of the first meets its counterpart in the second.
    Random r = new Random(13);
    for (int i = 0; i < 3000; i++) {
      boolean tcp = r.nextBoolean();
      byte[] a = tcp ? tcp(r).toByteArray() : http(r).toByteArray();
      byte[] b = tcp ? tcp(r).toByteArray() : http(r).toByteArray();
      if (r.nextBoolean()) {
        // A third part: an address can switch case and come back.
        byte[] c = tcp ? tcp(r).toByteArray() : http(r).toByteArray();
        byte[] bc = Arrays.copyOf(b, b.length + c.length);
        System.arraycopy(c, 0, bc, b.length, c.length);
        b = bc;
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      CodedOutputStream o = CodedOutputStream.newInstance(out);
      o.writeTag(tcp ? StreamAccessLogsMessage.TCP_LOGS_FIELD_NUMBER : StreamAccessLogsMessage.HTTP_LOGS_FIELD_NUMBER,
          WireFormat.WIRETYPE_LENGTH_DELIMITED);
      int entry = a.length + b.length;
      o.writeUInt32NoTag(CodedOutputStream.computeTagSize(1)
          + CodedOutputStream.computeUInt32SizeNoTag(entry) + entry);
      o.writeTag(1, WireFormat.WIRETYPE_LENGTH_DELIMITED);
      o.writeUInt32NoTag(entry);
      o.writeRawBytes(a);
      o.writeRawBytes(b);
      o.flush();
      assertSameEntries(out.toByteArray(), "merged entry " + i);
    }
  }

  @Test
  void corruptedBytesAreRefusedWheneverAFieldItReadsIsBroken() throws Exception {
    Random r = new Random(11);
    int bothAccepted = 0;
    int bothRefused = 0;
    for (int i = 0; i < 20_000; i++) {
      byte[] bytes = message(r).toByteArray();
      if (bytes.length == 0) {
        continue;
      }
      switch (r.nextInt(3)) {
        case 0 -> bytes[r.nextInt(bytes.length)] = (byte) r.nextInt(256);
        case 1 -> bytes = Arrays.copyOf(bytes, r.nextInt(bytes.length));
        default -> {
          for (int k = 0; k < 4; k++) {
            bytes[r.nextInt(bytes.length)] ^= (byte) (1 << r.nextInt(8));
          }
        }
      }
      byte[] corrupted = bytes;
      WireDecoder.Batch decoded;
      try {
        decoded = WireDecoder.decode(corrupted, 0, corrupted.length);
      } catch (InvalidProtocolBufferException e) {
        bothRefused++;
        assertThrows(InvalidProtocolBufferException.class, () -> StreamAccessLogsMessage.parseFrom(corrupted),
            "the decoder refused what protobuf-java accepts (" + e.getMessage() + "), case " + i);
        continue;
      }
      WireDecoder.Batch expected;
      try {
        expected = viaProtobufJava(bytes);
      } catch (InvalidProtocolBufferException e) {
        continue; // broken in a field the decoder skips: documented, allowed
      }
      bothAccepted++;
      assertEquals(expected, decoded, "case " + i);
    }
    // The loop must have exercised both outcomes, or it proves nothing.
    assertTrue(bothAccepted > 1000, "accepted " + bothAccepted);
    assertTrue(bothRefused > 1000, "refused " + bothRefused);
  }

  @Test
  void invalidUtf8InAFieldItReadsIsRefusedAndInOneItSkipsIsNot() throws Exception {
    HTTPAccessLogEntry entry = Entries.outboundHttp(Instant.EPOCH, "details.bookinfo.svc.cluster.local", 9080, "/", 200);
    entry = entry.toBuilder().setRequest(entry.getRequest().toBuilder().setAuthority("AAAA").setUserAgent("BBBB"))
        .build();
    byte[] bytes = StreamAccessLogsMessage.newBuilder().setHttpLogs(
        StreamAccessLogsMessage.HTTPAccessLogEntries.newBuilder().addLogEntry(entry)).build().toByteArray();
    byte[] badAuthority = corrupt(bytes, "AAAA");
    assertThrows(InvalidProtocolBufferException.class, () -> WireDecoder.decode(badAuthority, 0, badAuthority.length));
    byte[] badUserAgent = corrupt(bytes, "BBBB");
    WireDecoder.Batch b = WireDecoder.decode(badUserAgent, 0, badUserAgent.length);
    assertEquals("AAAA", b.entries().get(0).http().authority());
    assertThrows(InvalidProtocolBufferException.class, () -> StreamAccessLogsMessage.parseFrom(badUserAgent));
  }

  @Test
  void aMessageOfMoreEntriesThanTheLimitIsRefusedBeforeItFillsTheHeap() throws Exception {
    StreamAccessLogsMessage.TCPAccessLogEntries.Builder logs = StreamAccessLogsMessage.TCPAccessLogEntries.newBuilder();
    for (int i = 0; i < WireDecoder.MAX_ENTRIES; i++) {
      logs.addLogEntry(TCPAccessLogEntry.getDefaultInstance()); // two bytes each on the wire
    }
    byte[] atLimit = StreamAccessLogsMessage.newBuilder().setTcpLogs(logs).build().toByteArray();
    assertEquals(WireDecoder.MAX_ENTRIES, WireDecoder.decode(atLimit, 0, atLimit.length).entries().size());
    byte[] over = StreamAccessLogsMessage.newBuilder().setTcpLogs(logs.addLogEntry(TCPAccessLogEntry.getDefaultInstance()))
        .build().toByteArray();
    InvalidProtocolBufferException e = assertThrows(InvalidProtocolBufferException.class,
        () -> WireDecoder.decode(over, 0, over.length));
    assertTrue(e.getMessage().contains("entries in one message"), e.getMessage());
  }

  @Test
  void anEndGroupTagWhereAMessageShouldEndIsRefused() {
    byte[] bytes = {(byte) (2 << 3 | 2), 2, (byte) (1 << 3 | 4), 0};
    assertThrows(InvalidProtocolBufferException.class, () -> WireDecoder.decode(bytes, 0, bytes.length));
    assertThrows(InvalidProtocolBufferException.class, () -> StreamAccessLogsMessage.parseFrom(bytes));
  }

  @Test
  void eachResponseFlagIsTheBitOfItsFieldNumber() {
    for (FieldDescriptor f : ResponseFlags.getDescriptor().getFields()) {
      ResponseFlags.Builder b = ResponseFlags.newBuilder();
      if (f.getJavaType() == FieldDescriptor.JavaType.BOOLEAN) {
        b.setField(f, true);
      } else {
        b.setUnauthorizedDetails(ResponseFlags.Unauthorized.getDefaultInstance());
      }
      TCPAccessLogEntry e = TCPAccessLogEntry.newBuilder()
          .setCommonProperties(AccessLogCommon.newBuilder().setResponseFlags(b)).build();
      assertEquals(1 << (f.getNumber() - 1), RawEntry.of(e).responseFlags(), f.getName());
      assertEquals(1, EntryNormalizer.responseFlags(RawEntry.of(e).responseFlags()).size(), f.getName());
    }
    assertEquals(28, ResponseFlags.getDescriptor().getFields().size(),
        "a new flag needs a code in EntryNormalizer.FLAG_CODES");
  }

  @Test
  void aMessageWithoutEntriesHasNoProtocol() throws Exception {
    byte[] bytes = StreamAccessLogsMessage.newBuilder()
        .setIdentifier(Entries.identity("sidecar", "bookinfo", "productpage", "v1", "p", "10.0.0.1")).build()
        .toByteArray();
    WireDecoder.Batch b = WireDecoder.decode(bytes, 0, bytes.length);
    assertEquals(WireDecoder.Protocol.NONE, b.protocol());
    assertEquals("http_envoy_accesslog", b.identifier().getLogName());
    assertNull(WireDecoder.decode(new byte[0], 0, 0).identifier());
  }

  private void assertSameEntries(byte[] bytes, String what) throws InvalidProtocolBufferException {
    WireDecoder.Batch expected = viaProtobufJava(bytes);
    WireDecoder.Batch actual;
    try {
      actual = WireDecoder.decode(bytes, 0, bytes.length);
    } catch (InvalidProtocolBufferException e) {
      fail(what + ": protobuf-java reads it, the decoder refused it: " + e.getMessage());
      return;
    }
    assertEquals(expected, actual, what);
  }

  @Test
  void theDecodedBatchOwnsItsValuesSoTheBufferCanBeReused() throws Exception {
    // The receiver decodes every message from one reused array per thread.
    StreamAccessLogsMessage.Builder m = StreamAccessLogsMessage.newBuilder()
        .setIdentifier(Entries.identity("sidecar", "bookinfo", "productpage", "v1", "productpage-v1-pod", "10.44.0.12"));
    m.getHttpLogsBuilder().addLogEntry(Entries.outboundHttp(Instant.EPOCH, "details.bookinfo.svc.cluster.local", 9080,
        "/details/0", 200));
    byte[] bytes = m.build().toByteArray();
    WireDecoder.Batch decoded = WireDecoder.decode(bytes, 0, bytes.length);
    WireDecoder.Batch expected = viaProtobufJava(bytes.clone());

    Arrays.fill(bytes, (byte) 0x5a);

    assertEquals(expected, decoded);
    assertEquals(expected.identifier().getNode().getMetadata(), decoded.identifier().getNode().getMetadata());
  }

  static WireDecoder.Batch viaProtobufJava(byte[] bytes) throws InvalidProtocolBufferException {
    StreamAccessLogsMessage m = StreamAccessLogsMessage.parseFrom(bytes);
    return switch (m.getLogEntriesCase()) {
      case HTTP_LOGS -> new WireDecoder.Batch(m.hasIdentifier() ? m.getIdentifier() : null, WireDecoder.Protocol.HTTP,
          m.getHttpLogs().getLogEntryList().stream().map(RawEntry::of).toList());
      case TCP_LOGS -> new WireDecoder.Batch(m.hasIdentifier() ? m.getIdentifier() : null, WireDecoder.Protocol.TCP,
          m.getTcpLogs().getLogEntryList().stream().map(RawEntry::of).toList());
      default -> new WireDecoder.Batch(m.hasIdentifier() ? m.getIdentifier() : null, WireDecoder.Protocol.NONE,
          List.of());
    };
  }

  private static byte[] corrupt(byte[] bytes, String marker) {
    byte[] copy = bytes.clone();
    byte[] m = marker.getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i + m.length <= copy.length; i++) {
      if (Arrays.equals(copy, i, i + m.length, m, 0, m.length)) {
        copy[i] = (byte) 0xc3;
        copy[i + 2] = (byte) 0xff;
        return copy;
      }
    }
    throw new AssertionError(marker + " not found");
  }

  // ---- random messages -------------------------------------------------------------------------

  private static StreamAccessLogsMessage message(Random r) {
    StreamAccessLogsMessage.Builder m = StreamAccessLogsMessage.newBuilder();
    if (r.nextInt(3) == 0) {
      m.setIdentifier(StreamAccessLogsMessage.Identifier.newBuilder()
          .setNode(Node.newBuilder().setId(text(r)).setCluster(text(r))).setLogName(text(r)));
    }
    int n = r.nextInt(5);
    switch (r.nextInt(5)) {
      case 0 -> { } // no entries
      case 1, 2 -> {
        StreamAccessLogsMessage.HTTPAccessLogEntries.Builder logs = StreamAccessLogsMessage.HTTPAccessLogEntries.newBuilder();
        for (int i = 0; i < n; i++) {
          logs.addLogEntry(http(r));
        }
        m.setHttpLogs(logs);
      }
      default -> {
        StreamAccessLogsMessage.TCPAccessLogEntries.Builder logs = StreamAccessLogsMessage.TCPAccessLogEntries.newBuilder();
        for (int i = 0; i < n; i++) {
          logs.addLogEntry(tcp(r));
        }
        m.setTcpLogs(logs);
      }
    }
    if (r.nextInt(8) == 0) {
      m.setUnknownFields(unknown(r, 2, 3, 4, 1));
    }
    return m.build();
  }

  private static TCPAccessLogEntry tcp(Random r) {
    TCPAccessLogEntry.Builder e = TCPAccessLogEntry.newBuilder().setCommonProperties(common(r));
    if (r.nextInt(4) > 0) {
      e.setConnectionProperties(ConnectionProperties.newBuilder().setReceivedBytes(number(r)).setSentBytes(number(r)));
    }
    return e.build();
  }

  private static HTTPAccessLogEntry http(Random r) {
    HTTPAccessLogEntry.Builder e = HTTPAccessLogEntry.newBuilder().setCommonProperties(common(r));
    if (r.nextBoolean()) {
      e.setProtocolVersionValue(r.nextInt(7));
    }
    if (r.nextInt(5) > 0) {
      HTTPRequestProperties.Builder q = HTTPRequestProperties.newBuilder()
          .setRequestMethodValue(r.nextInt(14)).setScheme(text(r)).setAuthority(text(r)).setPath(text(r))
          .setUserAgent(text(r)).setRequestId(text(r)).setRequestHeadersBytes(number(r))
          .setRequestBodyBytes(number(r));
      if (r.nextBoolean()) {
        q.putRequestHeaders(text(r), text(r)).setForwardedFor(text(r)).setOriginalPath(text(r));
      }
      if (r.nextInt(6) == 0) {
        q.setUnknownFields(unknown(r, 3, 5, 11, 99));
      }
      e.setRequest(q);
    }
    if (r.nextInt(5) > 0) {
      HTTPResponseProperties.Builder p = HTTPResponseProperties.newBuilder().setResponseCodeDetails(text(r))
          .setResponseHeadersBytes(number(r)).setResponseBodyBytes(number(r));
      if (r.nextInt(4) > 0) {
        p.setResponseCode(UInt32Value.of(r.nextInt(3) == 0 ? r.nextInt() : 200 + r.nextInt(400)));
      }
      if (r.nextBoolean()) {
        p.putResponseTrailers(text(r), text(r));
      }
      e.setResponse(p);
    }
    return e.build();
  }

  private static AccessLogCommon common(Random r) {
    AccessLogCommon.Builder c = AccessLogCommon.newBuilder();
    if (r.nextInt(4) > 0) {
      c.setStartTime(Timestamp.newBuilder().setSeconds(r.nextInt(4) == 0 ? r.nextLong() : 1_795_000_000L + r.nextInt())
          .setNanos(r.nextInt(4) == 0 ? r.nextInt() : r.nextInt(1_000_000_000)));
    }
    if (r.nextBoolean()) {
      c.setDuration(Duration.newBuilder().setSeconds(r.nextInt(3) - 1).setNanos(r.nextInt()));
    }
    if (r.nextInt(4) > 0) {
      c.setUpstreamCluster(r.nextBoolean() ? "outbound|9080||reviews.bookinfo.svc.cluster.local" : text(r));
    }
    if (r.nextBoolean()) {
      c.setRouteName(text(r));
    }
    Address a = address(r);
    if (a != null) {
      c.setDownstreamRemoteAddress(a);
    }
    if ((a = address(r)) != null) {
      c.setDownstreamLocalAddress(a);
    }
    if ((a = address(r)) != null) {
      c.setDownstreamDirectRemoteAddress(a);
    }
    if ((a = address(r)) != null) {
      c.setUpstreamRemoteAddress(a);
    }
    if ((a = address(r)) != null) {
      c.setUpstreamLocalAddress(a); // skipped by the decoder
    }
    if (r.nextBoolean()) {
      ResponseFlags.Builder f = ResponseFlags.newBuilder();
      for (FieldDescriptor d : ResponseFlags.getDescriptor().getFields()) {
        if (d.getJavaType() == FieldDescriptor.JavaType.BOOLEAN && r.nextInt(6) == 0) {
          f.setField(d, true);
        }
      }
      if (r.nextInt(8) == 0) {
        f.setUnauthorizedDetails(ResponseFlags.Unauthorized.newBuilder().setReasonValue(r.nextInt(3)));
      }
      c.setResponseFlags(f);
    }
    if (r.nextBoolean()) {
      CertificateProperties.Builder peer = CertificateProperties.newBuilder().setSubject(text(r));
      for (int i = r.nextInt(4); i > 0; i--) {
        SubjectAltName.Builder san = SubjectAltName.newBuilder();
        switch (r.nextInt(3)) {
          case 0 -> san.setUri(text(r));
          case 1 -> san.setDns(text(r));
          default -> { }
        }
        peer.addSubjectAltName(san);
      }
      c.setTlsProperties(TLSProperties.newBuilder().setTlsVersionValue(r.nextInt(5)).setTlsSniHostname(text(r))
          .setPeerCertificateProperties(peer)
          .setLocalCertificateProperties(CertificateProperties.newBuilder()
              .addSubjectAltName(SubjectAltName.newBuilder().setUri(text(r)))));
    }
    for (int i = r.nextInt(4); i > 0; i--) {
      String typeUrl = TYPE_URLS.get(r.nextInt(TYPE_URLS.size()));
      ByteString value = r.nextBoolean()
          ? Struct.newBuilder().putFields("namespace", Value.newBuilder().setStringValue(text(r)).build()).build()
              .toByteString()
          : ByteString.copyFrom(bytes(r));
      c.putFilterStateObjects(FILTER_KEYS.get(r.nextInt(FILTER_KEYS.size())),
          Any.newBuilder().setTypeUrl(typeUrl).setValue(value).build());
    }
    if (r.nextBoolean()) {
      c.setUpstreamTransportFailureReason(text(r)).setTimeToLastRxByte(Duration.newBuilder().setNanos(r.nextInt()))
          .putCustomTags(text(r), text(r)).setStreamId(text(r)).setSampleRate(r.nextDouble());
    }
    if (r.nextInt(6) == 0) {
      // Numbers the decoder reads, with other wire types, and some it does not know.
      c.setUnknownFields(unknown(r, 15, 19, 5, 2, 21, 16, 4, 500));
    }
    return c.build();
  }

  private static Address address(Random r) {
    return switch (r.nextInt(6)) {
      case 0 -> null;
      case 1 -> Address.newBuilder().setPipe(Pipe.newBuilder().setPath(text(r)).setMode(r.nextInt(512))).build();
      case 2 -> Address.newBuilder().setEnvoyInternalAddress(EnvoyInternalAddress.newBuilder()
          .setServerListenerName(text(r)).setEndpointId(text(r))).build();
      case 3 -> Address.newBuilder().setSocketAddress(SocketAddress.newBuilder().setAddress(text(r))
          .setNamedPort(text(r))).build();
      case 4 -> Address.getDefaultInstance();
      default -> Address.newBuilder().setSocketAddress(SocketAddress.newBuilder()
          .setAddress(r.nextBoolean() ? "10.44." + r.nextInt(256) + "." + r.nextInt(256) : text(r))
          .setPortValue(r.nextInt(3) == 0 ? r.nextInt() : r.nextInt(65536)).setResolverName(text(r))).build();
    };
  }

  private static UnknownFieldSet unknown(Random r, int... numbers) {
    UnknownFieldSet.Builder u = UnknownFieldSet.newBuilder();
    for (int i = 1 + r.nextInt(3); i > 0; i--) {
      int number = numbers[r.nextInt(numbers.length)];
      UnknownFieldSet.Field.Builder f = UnknownFieldSet.Field.newBuilder();
      switch (r.nextInt(4)) {
        case 0 -> f.addVarint(r.nextLong());
        case 1 -> f.addFixed32(r.nextInt());
        case 2 -> f.addFixed64(r.nextLong());
        default -> f.addGroup(UnknownFieldSet.newBuilder()
            .addField(1, UnknownFieldSet.Field.newBuilder().addVarint(r.nextInt()).build()).build());
      }
      u.mergeField(number, f.build());
    }
    return u.build();
  }

  private static long number(Random r) {
    return switch (r.nextInt(4)) {
      case 0 -> 0;
      case 1 -> r.nextLong();
      default -> r.nextInt(100_000);
    };
  }

  private static byte[] bytes(Random r) {
    byte[] b = new byte[r.nextInt(40)];
    r.nextBytes(b);
    return b;
  }

  private static String text(Random r) {
    return switch (r.nextInt(7)) {
      case 0 -> "";
      case 1 -> "reviews.bookinfo.svc.cluster.local:" + r.nextInt(70000);
      case 2 -> "spiffe://cluster.local/ns/bookinfo/sa/bookinfo-" + r.nextInt(10);
      case 3 -> "x".repeat(r.nextInt(700));
      case 4 -> "ctl\u0001\n" + r.nextInt();
      case 5 -> "ünïcødé \u2028 \uD83D\uDE00 " + r.nextInt(10);
      default -> Integer.toString(r.nextInt(), 36);
    };
  }
}
