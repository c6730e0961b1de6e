package io.meshscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.meshscope.kafka.test.KafkaCluster;
import io.meshscope.kafka.test.KafkaExtension;
import io.meshscope.schemas.Json;
import io.meshscope.schemas.MeshReport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The demo's path: Bookinfo through the real receiver, analyzer and generator, Sidecars out. */
@ExtendWith(KafkaExtension.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class DemoIT {

  @Test
  void theAdaptiveDemoShowsTheLoopClose(KafkaCluster kafka, @TempDir Path dir) throws Exception {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    DemoCommand demo = new DemoCommand();
    demo.console = new PrintStream(console, true, StandardCharsets.UTF_8);
    // Its own namespace: the other demo's graphs and Sidecars are on the same broker and topics.
    int exit = new CommandLine(demo).execute("--bootstrap-servers", kafka.bootstrapServers(),
        "--data-dir", dir.resolve("data").toString(), "--out", dir.resolve("sidecars").toString(),
        "--quiet-period", "3s", "--debounce", "1s", "--adaptive", "--namespace", "bookinfo-adaptive");
    String printed = console.toString(StandardCharsets.UTF_8);
    assertEquals(0, exit, printed);
    assertTrue(printed.contains("called ratings.bookinfo-adaptive.svc.cluster.local through the fallback"), printed);
    assertTrue(printed.contains("Adaptive mode closed its loop"), printed);
    assertTrue(printed.contains("0 after the Sidecar was applied"), printed);
    assertTrue(Files.readString(dir.resolve("sidecars/bookinfo-adaptive/productpage.yaml"))
        .contains("./ratings.bookinfo-adaptive.svc.cluster.local"));
  }

  @Test
  void bookinfoInExpectedSidecarsOut(KafkaCluster kafka, @TempDir Path dir) throws Exception {
    Path out = dir.resolve("sidecars");
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    DemoCommand demo = new DemoCommand();
    demo.console = new PrintStream(console, true, StandardCharsets.UTF_8);
    int exit = new CommandLine(demo).execute("--bootstrap-servers", kafka.bootstrapServers(),
        "--data-dir", dir.resolve("data").toString(), "--out", out.toString(), "--quiet-period", "3s",
        "--debounce", "1s");
    String printed = console.toString(StandardCharsets.UTF_8);
    assertEquals(0, exit, printed);

    assertEquals(List.of("./details.bookinfo.svc.cluster.local", "./reviews.bookinfo.svc.cluster.local",
        "istio-system/*"), hosts(out.resolve("bookinfo/productpage.yaml")));
    assertEquals(List.of("./ratings.bookinfo.svc.cluster.local", "istio-system/*"),
        hosts(out.resolve("bookinfo/reviews.yaml")));
    assertEquals(List.of("./mongodb.bookinfo.svc.cluster.local", "istio-system/*"),
        hosts(out.resolve("bookinfo/ratings.yaml")));
    assertEquals(List.of("istio-system/*"), hosts(out.resolve("bookinfo/details.yaml")), "details calls nothing");
    assertEquals(List.of("istio-system/*"), hosts(out.resolve("bookinfo/mongodb.yaml")));
    assertFalse(Files.exists(out.resolve("istio-system/istio-ingressgateway.yaml")), "a gateway gets no Sidecar");
    assertTrue(Files.exists(out.resolve("istio-system/istio-ingressgateway.skipped.txt")));
    assertTrue(Files.readString(out.resolve("graph.mmd")).contains("mongodb.bookinfo.svc.cluster.local"));
    assertTrue(printed.contains("what-if: without this Sidecar"), printed);
    assertTrue(printed.contains("Done in"), printed);
    // The console tells the story; the broker's and the stages' lines are in the log file it names.
    Path log = dir.resolve("data/demo.log");
    assertTrue(printed.contains("Logs: " + log.toAbsolutePath()), printed);
    assertTrue(Files.readString(log).contains("sidecar-generator starting"), "the stages log to the file");

    // The demo ends with the mesh-wide figure; `meshscope report` reads the same mesh back from Kafka.
    assertTrue(printed.contains("Mesh payoff: "), printed);
    MeshReport shown = Json.mapper().readValue(out.resolve("mesh-report.json").toFile(), MeshReport.class);
    assertEquals(2, payoff(shown, "bookinfo/productpage").withPerProxy().clusters(), "details and reviews, port 9080");
    assertEquals("none", payoff(shown, "istio-system/istio-ingressgateway").sidecar());
    Path reportDir = dir.resolve("report");
    ByteArrayOutputStream reportConsole = new ByteArrayOutputStream();
    ReportCommand report = new ReportCommand();
    report.console = new PrintStream(reportConsole, true, StandardCharsets.UTF_8);
    exit = new CommandLine(report).execute("--bootstrap-servers", kafka.bootstrapServers(), "--out",
        reportDir.toString());
    String reported = reportConsole.toString(StandardCharsets.UTF_8);
    assertEquals(0, exit, reported);
    assertTrue(reported.contains("Mesh payoff: "), reported);
    MeshReport read = Json.mapper().readValue(reportDir.resolve("mesh-report.json").toFile(), MeshReport.class);
    assertEquals(shown.workloads().stream().map(MeshReport.WorkloadPayoff::workload).toList(),
        read.workloads().stream().map(MeshReport.WorkloadPayoff::workload).toList());
    assertEquals(payoff(shown, "bookinfo/productpage").withPerProxy().clusters(),
        payoff(read, "bookinfo/productpage").withPerProxy().clusters());
    assertTrue(read.totals().with().clusters() < read.totals().without().clusters(), reported);
    assertTrue(Files.readString(reportDir.resolve("mesh-report.md")).startsWith("# meshscope: the payoff"));
  }

  private static MeshReport.WorkloadPayoff payoff(MeshReport r, String workload) {
    return r.workloads().stream().filter(w -> w.workload().equals(workload)).findFirst()
        .orElseThrow(() -> new AssertionError(workload + " is not in " + r.workloads()));
  }

  private static List<String> hosts(Path yaml) throws Exception {
    JsonNode sidecar = new YAMLMapper().readTree(Files.readString(yaml));
    assertEquals("networking.istio.io/v1", sidecar.get("apiVersion").asText());
    assertFalse(sidecar.at("/spec/workloadSelector/labels").isEmpty(), "workloadSelector is never empty");
    List<String> hosts = new ArrayList<>();
    sidecar.at("/spec/egress/0/hosts").forEach(h -> hosts.add(h.asText()));
    return hosts;
  }
}
