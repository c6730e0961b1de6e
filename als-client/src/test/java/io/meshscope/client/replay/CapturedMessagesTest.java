package io.meshscope.client.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Struct;
import com.google.protobuf.TextFormat;
import com.google.protobuf.TypeRegistry;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.data.accesslog.v3.HTTPAccessLogEntry;
import io.envoyproxy.envoy.service.accesslog.v3.StreamAccessLogsMessage;
import io.meshscope.client.simulate.Entries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CapturedMessagesTest {

  private static final Instant T = Instant.parse("2026-11-20T10:00:00Z");

  @TempDir
  Path dir;

  static StreamAccessLogsMessage first() {
    StreamAccessLogsMessage.Builder m = StreamAccessLogsMessage.newBuilder()
        .setIdentifier(Entries.identity("sidecar", "bookinfo", "productpage", "v1", "productpage-v1-abc", "10.1.1.1"));
    m.getHttpLogsBuilder().addLogEntry(Entries.outboundHttp(T, "reviews.bookinfo.svc.cluster.local", 9080, "/", 200));
    return m.build();
  }

  static StreamAccessLogsMessage second() {
    StreamAccessLogsMessage.Builder m = StreamAccessLogsMessage.newBuilder();
    m.getHttpLogsBuilder().addLogEntry(Entries.inboundHttp(T, 9080, "/", "bookinfo", "gw", null, "gw-1", "10.1.1.2"));
    return m.build();
  }

  private static final JsonFormat.Printer JSON = JsonFormat.printer().usingTypeRegistry(JsonFormat.TypeRegistry
      .newBuilder().add(Struct.getDescriptor()).build());

  @Test
  void readsPrettyPrintedJsonMessagesOneAfterAnother() throws Exception {
    Path f = dir.resolve("capture.json");
    Files.writeString(f, JSON.print(first()) + "\n" + JSON.print(second()) + "\n");
    List<CapturedMessages.Captured> read = CapturedMessages.read(f);
    assertEquals(List.of(first(), second()), read.stream().map(CapturedMessages.Captured::message).toList());
    assertEquals(1, read.get(0).line());
    assertTrue(read.get(1).line() > 10, "the second message starts further down: " + read.get(1).line());
    assertFalse(read.get(1).message().hasIdentifier(), "a later message carries no identity, as Envoy sends it");
  }

  @Test
  void readsJsonAfterALicenceHeaderOfHashCommentsAndIgnoresFieldsV3DoesNotHave() throws Exception {
    // As captures shared as other projects' test data begin: the launcher's test corpus has three.
    Path f = dir.resolve("capture.msg");
    // v2's Node.buildVersion, which a capture of an older proxy has and the v3 API does not.
    String v2 = JSON.print(first()).replaceFirst("\"node\": \\{", "\"node\": {\"buildVersion\": \"55c8/1.10.0-dev\",");
    assertTrue(v2.contains("buildVersion"), v2);
    Files.writeString(f, "# Licensed under the Apache License, Version 2.0\n#\n\n" + v2 + "\n");

    List<CapturedMessages.Captured> read = CapturedMessages.read(f);

    assertEquals(List.of(first()), read.stream().map(CapturedMessages.Captured::message).toList());
    assertEquals(4, read.get(0).line());
  }

  @Test
  void readsAJsonArrayAndSingleEntries() throws Exception {
    HTTPAccessLogEntry entry = Entries.outboundHttp(T, "details.bookinfo.svc.cluster.local", 9080, "/", 200);
    Path f = dir.resolve("entries.json");
    Files.writeString(f, "[" + JSON.print(first()) + ",\n" + JSON.print(entry) + "]");
    List<CapturedMessages.Captured> read = CapturedMessages.read(f);
    assertEquals(2, read.size());
    assertEquals(entry, read.get(1).message().getHttpLogs().getLogEntry(0));
  }

  @Test
  void readsProtobufTextFormatSeparatedByDashes() throws Exception {
    TextFormat.Printer text = TextFormat.printer().usingTypeRegistry(TypeRegistry.newBuilder()
        .add(Struct.getDescriptor()).build());
    StreamAccessLogsMessage.Builder later = StreamAccessLogsMessage.newBuilder();
    later.getTcpLogsBuilder().addLogEntry(Entries.outboundTcp(T, "mongodb.bookinfo.svc.cluster.local", 27017, 1, 2));
    Path f = dir.resolve("capture.txtpb");
    Files.writeString(f, "# captured from an Envoy test\n" + text.printToString(first()) + "---\n"
        + text.printToString(later.build()));
    List<CapturedMessages.Captured> read = CapturedMessages.read(f);
    assertEquals(List.of(first(), later.build()), read.stream().map(CapturedMessages.Captured::message).toList());
    assertEquals(3, read.get(1).line() - (int) text.printToString(first()).lines().count(),
        "the second message starts after the comment, the first message and the separator");
  }

  @Test
  void textFormatReadsIstioPeerMetadataInTheExpandedAnyForm() throws Exception {
    Path f = dir.resolve("peer.txtpb");
    Files.writeString(f, String.join("\n",
        "common_properties {",
        "  upstream_cluster: \"inbound|9080||\"",
        "  filter_state_objects {",
        "    key: \"downstream_peer\"",
        "    value {",
        "      [type.googleapis.com/google.protobuf.Struct] {",
        "        fields { key: \"namespace\" value { string_value: \"bookinfo\" } }",
        "      }",
        "    }",
        "  }",
        "}",
        "request { authority: \"reviews:9080\" }", ""));
    StreamAccessLogsMessage m = CapturedMessages.read(f).get(0).message();
    Struct peer = m.getHttpLogs().getLogEntry(0).getCommonProperties()
        .getFilterStateObjectsOrThrow("downstream_peer").unpack(Struct.class);
    assertEquals("bookinfo", peer.getFieldsOrThrow("namespace").getStringValue());
  }

  @Test
  void badJsonNamesFileAndLine() throws Exception {
    Path f = dir.resolve("broken.json");
    Files.writeString(f, JSON.print(first()) + "\n{\n  \"httpLogs\": {\n    \"logEntry\": [ { \"nope\": 1 } ]\n  }\n}\n");
    CapturedMessages.BadCaptureException e = assertThrows(CapturedMessages.BadCaptureException.class,
        () -> CapturedMessages.read(f));
    int line = (int) JSON.print(first()).lines().count() + 1;
    assertTrue(e.getMessage().startsWith(f + ":" + line + ": not an ALS message: "), e.getMessage());
  }

  @Test
  void truncatedJsonNamesTheLine() throws Exception {
    Path f = dir.resolve("truncated.json");
    Files.writeString(f, "{\n  \"httpLogs\": {\n");
    CapturedMessages.BadCaptureException e = assertThrows(CapturedMessages.BadCaptureException.class,
        () -> CapturedMessages.read(f));
    assertTrue(e.getMessage().startsWith(f + ":3: not valid JSON"), e.getMessage());
  }

  @Test
  void badTextFormatNamesTheLineInTheFile() throws Exception {
    Path f = dir.resolve("broken.txtpb");
    Files.writeString(f, "http_logs {\n  log_entry {\n    common_properties { upstream_cluster: \"x\" }\n  }\n}\n---\n"
        + "http_logs {\n  log_entry {\n    bogus_field: 1\n  }\n}\n");
    CapturedMessages.BadCaptureException e = assertThrows(CapturedMessages.BadCaptureException.class,
        () -> CapturedMessages.read(f));
    assertTrue(e.getMessage().startsWith(f + ":9: not protobuf text format"), e.getMessage());
  }

  @Test
  void somethingElseEntirelyIsRefused() throws Exception {
    Path f = dir.resolve("other.json");
    Files.writeString(f, "{\"kind\": \"Pod\"}");
    CapturedMessages.BadCaptureException e = assertThrows(CapturedMessages.BadCaptureException.class,
        () -> CapturedMessages.read(f));
    assertTrue(e.getMessage().contains(":1: neither a StreamAccessLogsMessage nor an HTTP or TCP entry"),
        e.getMessage());
    Path empty = dir.resolve("empty.json");
    Files.writeString(empty, "  \n");
    assertTrue(assertThrows(CapturedMessages.BadCaptureException.class, () -> CapturedMessages.read(empty))
        .getMessage().endsWith(":1: the file is empty"));
  }

}
