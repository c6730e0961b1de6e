package io.meshscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.meshscope.analyzer.Analyzer;
import io.meshscope.analyzer.AnalyzerConfig;
import io.meshscope.generator.GeneratorOptions;
import io.meshscope.generator.SidecarGenerator;
import io.meshscope.kafka.test.Await;
import io.meshscope.kafka.test.KafkaCluster;
import io.meshscope.kafka.test.KafkaExtension;
import io.meshscope.kit.TopicAdmin;
import io.meshscope.receiver.AlsReceiver;
import io.meshscope.receiver.ReceiverConfig;
import io.meshscope.schemas.DependencyGraph;
import io.meshscope.schemas.Topics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The corpus under {@code src/test/resources/corpus} (see its README) replayed at full speed with
 * {@code meshscope replay} through the real receiver, Kafka, analyzer and generator: the Sidecars
 * that come out. The callee's file goes first, so its caller is not announced yet when it is read.
 */
@ExtendWith(KafkaExtension.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class CorpusReplayIT {

  @Test
  void theConstructedCasesGiveTheSidecarsTheirCallsNeed(KafkaCluster kafka, @TempDir Path dir) throws Exception {
    Path out = dir.resolve("sidecars");
    try (Stages stages = Stages.start(kafka, dir, out)) {
      replay(stages.receiver(), corpus("constructed", ".txtpb"));
      Analyzer analyzer = stages.analyzer();

      Path productpage = out.resolve("bookinfo/productpage.yaml");
      List<String> expected = List.of(
          "*/api.stripe.com",                       // TLS passed through: its SNI
          "*/reviews.example.com",                  // the VirtualService's host, routed to reviews v2
          "./details.bookinfo.svc.cluster.local",
          "./reviews.bookinfo.svc.cluster.local",   // the cluster; also the call reviews saw by certificate
          "istio-system/*");
      awaitHosts(productpage, expected);

      JsonNode sidecar = new YAMLMapper().readTree(Files.readString(productpage));
      assertEquals(Map.of("app", "productpage"), new YAMLMapper().convertValue(sidecar.at("/spec/workloadSelector/labels"),
          Map.class), "the older pod has no canonical-name label: the selector that selects both");
      String summary = Files.readString(out.resolve("bookinfo/productpage.summary.txt"));
      assertTrue(summary.contains("selector: app=productpage, which selects all 2 instances"), summary);
      assertTrue(summary.contains("outside the registry (reached through PassthroughCluster; in a REGISTRY_ONLY mesh "
          + "each needs a ServiceEntry): api.stripe.com"), summary);
      assertTrue(!Files.readString(productpage).contains("payments"), "a foreign inbound host is refused");

      // reviews' file came first: its caller, named only by certificate, was held until productpage's
      // announcement was read. Evidence, not a new host: it shows in the graph, not in a new Sidecar.
      HttpClient http = HttpClient.newHttpClient();
      URI graphUri = URI.create("http://127.0.0.1:" + analyzer.httpPort() + "/graphs/bookinfo/productpage");
      Await.until(Duration.ofSeconds(90), () -> {
        DependencyGraph g = graph(http, graphUri);
        return g.edges().stream().anyMatch(e -> e.host().equals("reviews.bookinfo.svc.cluster.local")
            && e.provenance().contains("inbound-peer-certificate"));
      }, () -> String.valueOf(graph(http, graphUri)));
      DependencyGraph g = graph(http, graphUri);
      assertEquals(2, g.instances());
      assertTrue(g.rejected().stream().anyMatch(r -> r.value().equals("payments.billing.svc.cluster.local")
          && r.reason().equals("foreign-inbound-host")), g.rejected().toString());

      // reviews' call to details was seen only by the ambient waypoint that served it.
      awaitHosts(out.resolve("bookinfo/reviews.yaml"), List.of("./details.bookinfo.svc.cluster.local", "istio-system/*"));
      Path gateway = out.resolve("istio-system/istio-ingressgateway.skipped.txt");
      awaitFile(gateway);
      assertTrue(Files.readString(gateway).contains("is not a sidecar"),
          "the Istio 1.2 gateway is an identity, with a graph of its own: " + Files.readString(gateway));
      assertEquals(0, stages.generator().deadLettered());
    }
  }

  @Test
  void theAdaptiveCasesLearnWhatWentThroughTheFallbackAndNothingForIt(KafkaCluster kafka, @TempDir Path dir)
      throws Exception {
    Path out = dir.resolve("sidecars");
    try (Stages stages = Stages.start(kafka, dir, out)) {
      replay(stages.receiver(), corpus("adaptive", ".txtpb"));

      Path productpage = out.resolve("bookinfo/productpage.yaml");
      awaitHosts(productpage, List.of(
          "./details.bookinfo.svc.cluster.local",
          "./reviews.bookinfo.svc.cluster.local",    // meant, though its call went to the fallback
          "istio-system/*",
          "istio-system/istio-axds-egressgateway.istio-system.svc.cluster.local"));
      JsonNode sidecar = new YAMLMapper().readTree(Files.readString(productpage));
      assertEquals("istio-axds-egressgateway.istio-system.svc.cluster.local",
          sidecar.at("/spec/outboundTrafficPolicy/egressProxy/host").asText(), "adaptive by the pod's annotation");
      String summary = Files.readString(out.resolve("bookinfo/productpage.summary.txt"));
      assertTrue(summary.contains("mode: adaptive (annotation sidecar.meshscope.io/mode=adaptive on 1 of 1 pod)"),
          summary);

      HttpClient http = HttpClient.newHttpClient();
      URI productpageGraph = URI.create("http://127.0.0.1:" + stages.analyzer().httpPort()
          + "/graphs/bookinfo/productpage");
      DependencyGraph g = graph(http, productpageGraph);
      assertTrue(g.rejected().stream().anyMatch(r -> r.value().equals("10.96.7.7:6379")
          && r.reason().equals("tcp-through-fallback")), g.rejected().toString());
      assertTrue(g.edges().stream().anyMatch(e -> e.host().equals("reviews.bookinfo.svc.cluster.local")
          && e.provenance().contains("fallback-authority") && e.fallbackLastSeen() != null), g.edges().toString());

      // The fallback's inbound entry credits reviews with what its call meant.
      URI reviewsGraph = URI.create("http://127.0.0.1:" + stages.analyzer().httpPort() + "/graphs/bookinfo/reviews");
      Await.until(Duration.ofSeconds(60), () -> {
        DependencyGraph r = graph(http, reviewsGraph);
        return r != null && r.edges().stream().anyMatch(e -> e.host().equals("ratings.bookinfo.svc.cluster.local")
            && e.provenance().equals(java.util.Set.of("egress-gateway")));
      }, () -> String.valueOf(graph(http, reviewsGraph)));

      // Nothing for the fallback itself, and no Sidecar that could narrow it.
      Path fallback = out.resolve("istio-system/istio-axds-egressgateway.skipped.txt");
      awaitFile(fallback);
      assertTrue(Files.readString(fallback).contains("sidecar.meshscope.io/mode is off"), Files.readString(fallback));
      DependencyGraph f = graph(http, URI.create("http://127.0.0.1:" + stages.analyzer().httpPort()
          + "/graphs/istio-system/istio-axds-egressgateway"));
      assertEquals(List.of(), f.edges(), "the fallback calls on others' behalf");
      assertTrue(f.rejected().isEmpty(), f.rejected().toString());
      // ratings saw the fallback's onward call: nothing for anyone.
      awaitHosts(out.resolve("bookinfo/ratings.yaml"), List.of("istio-system/*"));
      assertEquals(0, stages.generator().deadLettered());
    }
  }

  @Test
  void theCapturedIstio11StreamsGiveTheirSidecars(KafkaCluster kafka, @TempDir Path dir) throws Exception {
    Path out = dir.resolve("sidecars");
    try (Stages stages = Stages.start(kafka, dir, out)) {
      replay(stages.receiver(), corpus("captured/skywalking", ".msg"));

      // Istio 1.1: labels flat in the metadata, no peer metadata; the sidecar named by its app label.
      awaitHosts(out.resolve("default/productpage.yaml"), List.of("./details.default.svc.cluster.local",
          "istio-system/*"));
      assertEquals(Map.of("app", "productpage"), new YAMLMapper().convertValue(new YAMLMapper()
          .readTree(Files.readString(out.resolve("default/productpage.yaml"))).at("/spec/workloadSelector/labels"),
          Map.class));
      // reviews' inbound caller (10.44.2.54) announced no identity: nothing is guessed for it.
      awaitHosts(out.resolve("default/reviews.yaml"), List.of("istio-system/*"));
      // The gateway of that release carries no labels: named by its cluster, a router, no Sidecar.
      Path gateway = out.resolve("istio-system/istio-ingressgateway.skipped.txt");
      awaitFile(gateway);
      assertTrue(Files.readString(gateway).contains("is not a sidecar"), Files.readString(gateway));
    }
  }

  /** {@code meshscope replay} of {@code files}, in order, at full speed. */
  private static void replay(AlsReceiver receiver, List<Path> files) {
    ByteArrayOutputStream errors = new ByteArrayOutputStream();
    ReplayCommand replay = new ReplayCommand();
    replay.console = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    replay.errors = new PrintStream(errors, true, StandardCharsets.UTF_8);
    List<String> args = new ArrayList<>(List.of("--target", "127.0.0.1:" + receiver.port()));
    files.forEach(f -> args.add(f.toString()));
    assertEquals(0, new CommandLine(replay).execute(args.toArray(String[]::new)), errors.toString(StandardCharsets.UTF_8));
  }

  private static DependencyGraph graph(HttpClient http, URI uri) {
    try {
      HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      return r.statusCode() == 200 ? Topics.dependencyGraphs().valueSerde().deserializer().deserialize("", r.body())
          : null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static List<Path> corpus(String folder, String suffix) throws URISyntaxException, IOException {
    Path dir = Path.of(CorpusReplayIT.class.getResource("/corpus/" + folder).toURI());
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(suffix)).sorted().toList();
    }
  }

  private static void awaitHosts(Path yaml, List<String> expected) throws Exception {
    Await.until(Duration.ofMinutes(2), () -> Files.exists(yaml) && hosts(yaml).equals(expected),
        () -> yaml + ": " + (Files.exists(yaml) ? hosts(yaml) : "not written"));
  }

  private static void awaitFile(Path file) throws Exception {
    Await.until(Duration.ofMinutes(1), () -> Files.exists(file), () -> file + " was not written");
  }

  private static List<String> hosts(Path yaml) {
    try {
      List<String> hosts = new ArrayList<>();
      new YAMLMapper().readTree(Files.readString(yaml)).at("/spec/egress/0/hosts").forEach(h -> hosts.add(h.asText()));
      return hosts;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
