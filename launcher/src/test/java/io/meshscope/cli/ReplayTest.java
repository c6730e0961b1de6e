package io.meshscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.TextFormat;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.service.accesslog.v3.StreamAccessLogsMessage;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.meshscope.receiver.AlsReceiver;
import io.meshscope.receiver.ReceiverConfig;
import io.meshscope.receiver.metrics.ReceiverMetrics;
import io.meshscope.receiver.sink.RecordSink;
import io.meshscope.client.simulate.Entries;
import io.meshscope.schemas.AccessRecord;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code meshscope replay} against a real gRPC receiver whose sink keeps records in memory. */
class ReplayTest {

  private static final Instant T = Instant.parse("2026-11-20T10:00:00Z");
  private final Queue<Map.Entry<String, AccessRecord>> received = new ConcurrentLinkedQueue<>();
  private AlsReceiver receiver;

  @TempDir
  Path dir;

  @BeforeEach
  void start() {
    RecordSink sink = new RecordSink() {
      @Override
      public void send(String key, AccessRecord record, Runnable done) {
        received.add(Map.entry(key, record));
        done.run();
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    receiver = AlsReceiver.start(ReceiverConfig.fromMap(Map.of("bootstrap.servers", "unused:9092", "metrics.port",
        "-1")), Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create()), sink, new ReceiverMetrics());
  }

  @AfterEach
  void stop() {
    receiver.close();
  }

  private record Run(int exit, String out, String err) {}

  private Run replay(Path... files) {
    ReplayCommand cmd = new ReplayCommand();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    cmd.console = new PrintStream(out, true, StandardCharsets.UTF_8);
    cmd.errors = new PrintStream(err, true, StandardCharsets.UTF_8);
    String[] args = new String[files.length + 2];
    args[0] = "--target";
    args[1] = "127.0.0.1:" + receiver.port();
    for (int i = 0; i < files.length; i++) {
      args[i + 2] = files[i].toString();
    }
    int exit = new CommandLine(cmd).execute(args);
    return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static StreamAccessLogsMessage withIdentity() {
    StreamAccessLogsMessage.Builder m = StreamAccessLogsMessage.newBuilder()
        .setIdentifier(Entries.identity("sidecar", "bookinfo", "reviews", "v2", "reviews-v2-abc", "10.1.1.1"));
    m.getHttpLogsBuilder().addLogEntry(Entries.outboundHttp(T, "ratings.bookinfo.svc.cluster.local", 9080, "/", 200));
    return m.build();
  }

  private static StreamAccessLogsMessage withoutIdentity() {
    StreamAccessLogsMessage.Builder m = StreamAccessLogsMessage.newBuilder();
    m.getHttpLogsBuilder().addLogEntry(Entries.outboundHttp(T, "ratings.bookinfo.svc.cluster.local", 9080, "/2", 200));
    m.getHttpLogsBuilder().addLogEntry(Entries.outboundHttp(T, "ratings.bookinfo.svc.cluster.local", 9080, "/3", 200));
    return m.build();
  }

  @Test
  void jsonAndTextFilesReplayWithTheStreamsIdentityOnEveryEntry() throws Exception {
    Path json = dir.resolve("reviews.json");
    Files.writeString(json, JsonFormat.printer().print(withIdentity()) + "\n"
        + JsonFormat.printer().print(withoutIdentity()));
    Path text = dir.resolve("reviews.txtpb");
    Files.writeString(text, TextFormat.printer().printToString(withIdentity()) + "---\n"
        + TextFormat.printer().printToString(withoutIdentity()));

    Run run = replay(json, text);
    assertEquals(0, run.exit(), run.err());
    assertEquals("replayed 4 messages (6 entries) from 2 files to 127.0.0.1:" + receiver.port() + "\n", run.out());
    assertEquals(6, received.size());
    assertTrue(received.stream().allMatch(e -> e.getKey().equals("bookinfo/reviews")
        && e.getValue().reporter().workload().key().equals("bookinfo/reviews") && e.getValue().flags().isEmpty()),
        "the identity of each file's first message applies to the later one: " + received);
    assertEquals(List.of("/", "/", "/2", "/2", "/3", "/3"),
        received.stream().map(e -> e.getValue().request().path()).sorted().toList());
  }

  @Test
  void aBrokenFileIsReportedWithFileAndLineAndNothingIsSent() throws Exception {
    Path good = dir.resolve("good.json");
    Files.writeString(good, JsonFormat.printer().print(withIdentity()));
    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, "{\n  \"httpLogs\": {\n    \"logEntry\": [ { \"commonProperties\": { \"startTime\": \"yesterday\" } } ]"
        + "\n  }\n}\n");
    Run run = replay(good, bad);
    assertEquals(1, run.exit());
    assertTrue(run.err().startsWith("replay: " + bad + ":1: not an ALS message: "), run.err());
    assertTrue(run.err().endsWith("replay: nothing sent\n"), run.err());
    assertEquals(0, received.size());
  }
}
