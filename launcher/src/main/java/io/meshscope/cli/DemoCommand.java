package io.meshscope.cli;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.meshscope.analyzer.AnalyzerConfig;
import io.meshscope.analyzer.streams.AnalyzerSettings;
import io.meshscope.client.simulate.AdaptiveCaller;
import io.meshscope.client.simulate.Simulation;
import io.meshscope.client.simulate.Topology;
import io.meshscope.generator.GeneratorOptions;
import io.meshscope.generator.SidecarFiles;
import io.meshscope.generator.domain.payoff.MeshReportMarkdown;
import io.meshscope.schemas.MeshReport;
import io.meshscope.generator.domain.EmitDecision;
import io.meshscope.generator.domain.EmitTimings;
import io.meshscope.generator.domain.RenderedSidecar;
import io.meshscope.kit.Durations;
import io.meshscope.schemas.SidecarRecommendation;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Shows meshscope end to end in about a minute, on an embedded Kafka.",
        "Simulates Istio's Bookinfo through the real gRPC receiver, analyzer and generator, prints each",
        "generated Sidecar with its what-if figure, and writes the files and a picture of the graph."})
final class DemoCommand implements Callable<Integer> {

  @Option(names = "--data-dir", defaultValue = ".meshscope/demo",
      description = "Embedded Kafka's data and the analyzer's state; a second run resumes. Default: ${DEFAULT-VALUE}.")
  Path dataDir;

  @Option(names = "--out", defaultValue = "sidecars", description = "Where Sidecar files go. Default: ${DEFAULT-VALUE}.")
  Path out;

  @Option(names = "--entries", defaultValue = "3000", description = "Access-log entries to simulate. Default: ${DEFAULT-VALUE}.")
  long entries;

  @Option(names = "--quiet-period", defaultValue = "5s",
      description = "Quiet period before a first Sidecar (production default "
          + EmitTimings.DEFAULT_QUIET_PERIOD_TEXT + "). Default: ${DEFAULT-VALUE}.")
  String quietPeriod;

  @Option(names = "--debounce", defaultValue = "2s", description = "Debounce of changes. Default: ${DEFAULT-VALUE}.")
  String debounce;

  @Option(names = "--timeout", defaultValue = "120s", description = "Give up after this long. Default: ${DEFAULT-VALUE}.")
  String timeout;

  @Option(names = "--follow", description = "Keep running after the demo, as `run` does, until Ctrl-C.")
  boolean follow;

  @Option(names = "--adaptive", description = {"Then show adaptive mode's loop (docs/adaptive.md): productpage, "
      + "labelled adaptive, calls ratings, which its Sidecar does not list, through the fallback; the Sidecar gains "
      + "ratings; once applied, the calls go direct. Prints how long each step took."})
  boolean adaptive;

  @Option(names = "--namespace", defaultValue = "bookinfo",
      description = "The namespace the simulated Bookinfo runs in. Default: ${DEFAULT-VALUE}.")
  String namespace;

  @Option(names = "--bootstrap-servers", description = "Use this Kafka instead of the embedded one.")
  String bootstrapServers;

  @Option(names = "--log-file",
      description = "Where the broker's and the stages' logs go, so that they do not interleave with the Sidecars "
          + "printed. Default: demo.log in the data directory.")
  Path logFile;

  PrintStream console = System.out;
  private int shown;

  @Override
  public Integer call() throws Exception {
    try (LogFile logs = LogFile.open(logFile != null ? logFile : dataDir.resolve("demo.log"))) {
      return run(logs.path());
    }
  }

  private int run(Path logs) throws Exception {
    Duration quiet = Durations.require(quietPeriod, "--quiet-period");
    Duration wait = Durations.require(timeout, "--timeout");
    Topology bookinfo = Topology.bookinfo(namespace);
    List<String> expected = bookinfo.workloads().stream().filter(p -> p.role().equals("sidecar"))
        .map(p -> p.namespace() + "/" + p.app()).distinct().sorted().toList();
    console.printf("meshscope demo: Istio's Bookinfo (%d proxies) through receiver -> Kafka -> analyzer -> Kafka -> "
        + "generator.%nQuiet period shortened to %s for the demo (production default: %s).%nLogs: %s%n",
        bookinfo.workloads().size(), quietPeriod, EmitTimings.DEFAULT_QUIET_PERIOD_TEXT, logs);

    long begin = System.nanoTime();
    GeneratorOptions generator = GeneratorOptions.defaults("unused", out).withTimings(quiet,
        Durations.require(debounce, "--debounce"));
    // Evidence is republished every 10 s of event time (production: every hour), so the summaries
    // printed below show the counts of the whole run.
    try (Pipeline pipeline = Pipeline.start(new Pipeline.Settings(bootstrapServers, dataDir, 0, -1, 0, generator,
        this::show, DemoCommand::quickAnalyzer))) {
      console.printf("Kafka at %s; Envoy ALS on 127.0.0.1:%d; graphs on http://127.0.0.1:%d/graphs%n",
          pipeline.bootstrapServers, pipeline.receiver.port(), pipeline.analyzer.httpPort());
      ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", pipeline.receiver.port(),
          InsecureChannelCredentials.create()).build();
      // Event time runs a little behind now, 100 ms per entry, as if the traffic took a few minutes.
      Simulation simulation = new Simulation(bookinfo, new Simulation.Settings(entries, 1, 50, 500, 0,
          Instant.now().minusMillis(entries * 100), Duration.ofMillis(100)));
      CompletableFuture<Long> sending = CompletableFuture.supplyAsync(() -> {
        try {
          return simulation.run(channel, n -> { });
        } catch (Exception e) {
          throw new IllegalStateException("simulation failed: " + e.getMessage(), e);
        }
      });

      long deadline = System.nanoTime() + wait.toNanos();
      while (!done(pipeline, expected) && System.nanoTime() < deadline) {
        console.printf("  %,6d entries sent | %,6d records on Kafka | %3d graphs read | %d/%d Sidecars%n",
            simulation.sent(), (long) pipeline.receiver.metrics().producedCount(), pipeline.generator.graphsRead(),
            emitted(pipeline, expected), expected.size());
        Thread.sleep(1000);
        if (sending.isCompletedExceptionally()) {
          sending.join();
        }
      }
      channel.shutdownNow();
      if (!done(pipeline, expected)) {
        console.printf("Timed out after %s with %d of %d Sidecars; see %s.%n", timeout,
            emitted(pipeline, expected), expected.size(), logs);
        return 1;
      }
      if (shown == 0) {
        console.printf("%nNo Sidecar changed since the last run in %s, so none was emitted again; the files from that "
            + "run are current (delete %s to start over).%n", dataDir, dataDir);
      }
      writePictures(pipeline);
      console.printf("%nDone in %.0f s: %d Sidecars under %s (and on topic meshscope.sidecars); %d workload(s) got "
          + "none, with the reason beside them.%n", (System.nanoTime() - begin) / 1e9, expected.size(),
          pipeline.generator.outDir(), pipeline.generator.latest().values().stream()
              .filter(r -> r.status().equals(EmitDecision.SKIPPED)).count());
      console.printf("Review them, then: kubectl apply -f %s/%s/%n", out, namespace);
      MeshReport report = pipeline.generator.report(Instant.now());
      Path reportFile = new SidecarFiles(pipeline.generator.outDir()).writeReport(report);
      console.printf("%n%sThe whole report, with each workload and discovery-scope advice: %s (JSON beside it).%n",
          MeshReportMarkdown.headline(report), reportFile);
      if (adaptive) {
        showAdaptive(pipeline, wait);
      }
      if (follow) {
        console.println("Following (Ctrl-C stops): point Envoy at the ALS port above, or run `meshscope simulate`.");
        CountDownLatch forever = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(forever::countDown));
        forever.await();
      }
      return 0;
    }
  }

  private void showAdaptive(Pipeline pipeline, Duration wait) throws Exception {
    ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", pipeline.receiver.port(),
        InsecureChannelCredentials.create()).build();
    try (AdaptiveCaller productpage = new AdaptiveCaller(channel, namespace, "productpage", "10.44.0.112")) {
      String svc = "." + namespace + ".svc.cluster.local";
      AdaptiveLoop.Result r = new AdaptiveLoop(productpage, pipeline.generator, pipeline.analyzer.httpPort(), console,
          wait).run(List.of("details" + svc, "reviews" + svc), "ratings" + svc, 9080);
      console.printf("%nAdaptive mode closed its loop: a new host reached the Sidecar %.1f s after its first call "
          + "(debounce %s): %d calls went through the fallback meanwhile, %d after the Sidecar was "
          + "applied. Status of every adaptive Sidecar: %s%n", r.toFile().toMillis() / 1000.0, debounce,
          r.throughFallbackBefore(), r.throughFallbackAfter(), pipeline.generator.outDir().resolve("fallback-status.md"));
    } finally {
      channel.shutdownNow();
    }
  }

  private static boolean done(Pipeline p, List<String> expected) {
    return emitted(p, expected) == expected.size();
  }

  private static long emitted(Pipeline p, List<String> expected) {
    Map<String, SidecarRecommendation> latest = p.generator.latest();
    return expected.stream().filter(k -> latest.containsKey(k) && latest.get(k).status().equals(EmitDecision.EMITTED))
        .count();
  }

  private synchronized void show(EmitDecision d, Path file) {
    shown++;
    if (d.result() instanceof RenderedSidecar s) {
      console.printf("%n--- %s (%s) ---%n%s%s%n", file == null ? d.workload().key() + " (file not written: see the log)"
          : file, d.trigger().name().toLowerCase(Locale.ROOT),
          s.yaml(), d.summaryText());
    } else {
      console.printf("%n--- %s: %s", d.workload().key(), d.summaryText());
    }
  }

  private void writePictures(Pipeline pipeline) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    for (String name : List.of("graph.mmd", "graph.dot")) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
          + pipeline.analyzer.httpPort() + "/" + name)).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      if (r.statusCode() == 200) {
        Path file = pipeline.generator.outDir().resolve(name);
        Files.writeString(file, r.body(), StandardCharsets.UTF_8);
        if (name.endsWith(".mmd")) {
          console.printf("%nThe dependency graph the analyzer learned (%s, Mermaid; %s beside it is Graphviz):%n%s",
              file, "graph.dot", r.body());
        }
      }
    }
  }


  private static AnalyzerConfig quickAnalyzer(AnalyzerConfig production) {
    AnalyzerSettings s = production.settings();
    return production.withSettings(s.withTtl(s.edgeTtl(), Duration.ofSeconds(10)));
  }
}
