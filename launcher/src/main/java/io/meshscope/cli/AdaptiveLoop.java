package io.meshscope.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.meshscope.client.simulate.AdaptiveCaller;
import io.meshscope.generator.SidecarGenerator;
import io.meshscope.generator.domain.EmitDecision;
import io.meshscope.generator.domain.FallbackStatus;
import io.meshscope.generator.domain.RenderedSidecar;
import io.meshscope.schemas.Json;
import io.meshscope.schemas.SidecarRecommendation;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeoutException;

/**
 * Adaptive mode's loop, end to end on a running pipeline (docs/adaptive.md): a workload labelled
 * adaptive gets an adaptive Sidecar, which is applied; it calls a host the Sidecar does not list,
 * through the fallback; the host reaches the graph, the Sidecar record and its file; the new Sidecar
 * is applied, the calls go direct, and the generator reports it applied. What {@code demo --adaptive}
 * shows and the self-healing integration test checks.
 */
final class AdaptiveLoop {

  private static final Duration CALL_EVERY = Duration.ofMillis(200);

  /**
   * @param toGraph from the first call through the fallback to the host in the workload's graph
   * @param toRecord to the host in the Sidecar record on the topic
   * @param toFile to the host in the Sidecar file on disk
   * @param throughFallbackBefore calls through the fallback until the Sidecar listing the host was applied
   * @param throughFallbackAfter calls through the fallback after that (none, when the loop closed)
   * @param status the generator's fallback status once the calls went direct
   */
  record Result(String host, Duration toGraph, Duration toRecord, Duration toFile, long throughFallbackBefore,
      long throughFallbackAfter, FallbackStatus status, String sidecarYaml) {}

  private final AdaptiveCaller caller;
  private final SidecarGenerator generator;
  private final URI graphUri;
  private final PrintStream console;
  private final Duration timeout;
  private final HttpClient http = HttpClient.newHttpClient();
  private final Set<String> known = new TreeSet<>();

  AdaptiveLoop(AdaptiveCaller caller, SidecarGenerator generator, int analyzerHttpPort, PrintStream console,
      Duration timeout) {
    this.caller = caller;
    this.generator = generator;
    this.graphUri = URI.create("http://127.0.0.1:" + analyzerHttpPort + "/graphs/" + caller.workload());
    this.console = console;
    this.timeout = timeout;
  }

  /**
   * Runs the loop: {@code known} are hosts the workload calls from the start, {@code newHost} the one
   * it starts calling under its adaptive Sidecar.
   */
  Result run(List<String> knownHosts, String newHost, int port) throws Exception {
    known.addAll(knownHosts);
    console.printf("%n=== Adaptive mode: %s, its pods labelled sidecar.meshscope.io/mode=adaptive ===%n",
        caller.workload());
    SidecarRecommendation first = until("an adaptive Sidecar for " + caller.workload(), () -> {
      SidecarRecommendation r = generator.latest().get(caller.workload());
      return r != null && EmitDecision.EMITTED.equals(r.status()) && "adaptive".equals(r.mode()) ? r : null;
    });
    console.printf("1. Its adaptive Sidecar (mode from %s):%n%s", first.modeSource(), first.yaml());
    apply(first);
    console.printf("   Applied. %s is not in it: calls to it go to the fallback egress proxy, which forwards them.%n",
        newHost);

    known.add(newHost);
    Instant start = Instant.now();
    long t0 = System.nanoTime();
    Duration toGraph = null;
    Duration toRecord = null;
    Duration toFile = null;
    SidecarRecommendation listing = null;
    long deadline = t0 + timeout.toNanos();
    while (toGraph == null || toRecord == null || toFile == null) {
      if (System.nanoTime() > deadline) {
        throw new TimeoutException(newHost + " did not reach the Sidecar within " + timeout + " (graph " + toGraph
            + ", record " + toRecord + ", file " + toFile + ")");
      }
      callAll();
      Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);
      if (toGraph == null && graphListsThroughFallback(newHost)) {
        toGraph = elapsed;
      }
      SidecarRecommendation r = generator.latest().get(caller.workload());
      if (toRecord == null && r != null && r.yaml() != null && lists(r.yaml(), newHost)) {
        toRecord = elapsed;
        listing = r;
      }
      if (toFile == null && fileLists(newHost)) {
        toFile = elapsed;
      }
      Thread.sleep(CALL_EVERY.toMillis());
    }
    long before = caller.throughFallback();
    console.printf("2. %s called %s through the fallback at %s. Learned: in the graph after %.1f s, in the Sidecar"
        + " on meshscope.sidecars after %.1f s, on disk after %.1f s (%d calls through the fallback meanwhile).%n",
        caller.workload(), newHost, start, seconds(toGraph), seconds(toRecord), seconds(toFile), before);
    console.printf("%s", EmitDecision.summaryText(listing));
    apply(listing);
    console.printf("3. The new Sidecar applied: calls to %s go direct.%n", newHost);

    FallbackStatus status = until("the generator to see the Sidecar applied", () -> {
      callAll();
      return generator.fallbackStatuses().stream().filter(s -> s.workload().equals(caller.workload())
          && s.stillThroughFallback().isEmpty() && s.nowDirect().stream().anyMatch(h -> h.endsWith("/" + newHost)))
          .findFirst().orElse(null);
    });
    long after = caller.throughFallback() - before;
    console.printf("4. fallback-status.md: applied? %s; now direct: %s; calls through the fallback since: %d.%n",
        status.applied(), String.join(", ", status.nowDirect()), after);
    return new Result(newHost, toGraph, toRecord, toFile, before, after, status, listing.yaml());
  }

  private void callAll() throws InterruptedException {
    Instant now = Instant.now();
    for (String host : known) {
      caller.call(host, 9080, now);
    }
  }

  /** What a reviewer's kubectl apply does: the proxy now knows exactly the hosts the Sidecar lists. */
  private void apply(SidecarRecommendation r) {
    caller.apply(AdaptiveCaller.listedHosts(RenderedSidecar.egressHostsOf(r.yaml())));
  }

  private static boolean lists(String yaml, String host) {
    return RenderedSidecar.egressHostsOf(yaml).stream().anyMatch(e -> e.endsWith("/" + host));
  }

  private boolean fileLists(String host) throws IOException {
    String[] key = caller.workload().split("/");
    Path file = generator.outDir().resolve(key[0]).resolve(key[1] + ".yaml");
    return Files.exists(file) && lists(Files.readString(file), host);
  }

  private boolean graphListsThroughFallback(String host) throws IOException, InterruptedException {
    HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(graphUri).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != 200) {
      return false;
    }
    for (JsonNode edge : Json.mapper().readTree(r.body()).path("edges")) {
      if (edge.path("host").asText().equals(host) && edge.hasNonNull("fallbackLastSeen")) {
        return true;
      }
    }
    return false;
  }

  private interface Probe<T> {
    T get() throws Exception;
  }

  private <T> T until(String what, Probe<T> probe) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      T value = probe.get();
      if (value != null) {
        return value;
      }
      callAll();
      Thread.sleep(CALL_EVERY.toMillis());
    }
    throw new TimeoutException("waited " + timeout + " for " + what);
  }

  private static double seconds(Duration d) {
    return d.toMillis() / 1000.0;
  }
}
