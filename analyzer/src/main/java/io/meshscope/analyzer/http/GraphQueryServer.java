package io.meshscope.analyzer.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.meshscope.analyzer.domain.GraphMerge;
import io.meshscope.analyzer.domain.GraphRenderings;
import io.meshscope.analyzer.domain.GraphState;
import io.meshscope.analyzer.streams.AnalyzerSettings;
import io.meshscope.schemas.DependencyGraph;
import io.meshscope.schemas.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.concurrent.Executors;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.query.FailureReason;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.RangeQuery;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.query.StateQueryResult;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Read access to the graphs for people and tools (Kafka Streams interactive queries). A graph lives
 * on the instance that owns its partition: a request for one workload is forwarded there, a request
 * for all of them gathers every instance's share.
 *
 * <pre>
 * GET /graphs                 every workload's graph, JSON array
 * GET /graphs/{ns}/{name}     one workload's graph, JSON (404 when unknown)
 * GET /graph.dot, /graph.mmd  the whole graph as Graphviz DOT or Mermaid
 * GET /healthz                200 when the streams application is running
 * </pre>
 */
public final class GraphQueryServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(GraphQueryServer.class);
  private static final String LOCAL_ONLY = "local=true";

  private final KafkaStreams streams;
  private final HostInfo self;
  private final HttpServer server;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final Clock clock;

  public GraphQueryServer(KafkaStreams streams, HttpServer server, HostInfo self, Clock clock) {
    this.streams = streams;
    this.server = server;
    this.self = self;
    this.clock = clock;
    server.createContext("/graphs", this::graphs);
    server.createContext("/graph.dot", ex -> all(ex, "text/vnd.graphviz", GraphRenderings::dot));
    server.createContext("/graph.mmd", ex -> all(ex, "text/plain", GraphRenderings::mermaid));
    server.createContext("/healthz", ex -> {
      KafkaStreams.State state = streams.state();
      send(ex, state.isRunningOrRebalancing() ? 200 : 503, "text/plain", state.name() + "\n");
    });
    server.setExecutor(Executors.newFixedThreadPool(2));
  }

  public static HttpServer bind(int port) throws IOException {
    return HttpServer.create(new InetSocketAddress(port), 0);
  }

  public void start() {
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private void graphs(HttpExchange ex) throws IOException {
    try {
      String path = ex.getRequestURI().getPath();
      if (path.equals("/graphs") || path.equals("/graphs/")) {
        boolean localOnly = LOCAL_ONLY.equals(ex.getRequestURI().getQuery());
        sendJson(ex, 200, Json.mapper().writeValueAsBytes(localOnly ? local() : everywhere()));
        return;
      }
      String[] parts = path.substring("/graphs/".length()).split("/");
      if (parts.length != 2) {
        send(ex, 400, "text/plain", "use /graphs or /graphs/{namespace}/{name}\n");
        return;
      }
      String key = parts[0] + "/" + parts[1];
      KeyQueryMetadata meta = streams.queryMetadataForKey(AnalyzerSettings.GRAPH_STORE, key,
          Serdes.String().serializer());
      if (meta != null && meta.activeHost() != null && !meta.activeHost().equals(self)
          && !meta.activeHost().equals(HostInfo.unavailable()) && !LOCAL_ONLY.equals(ex.getRequestURI().getQuery())) {
        HttpResponse<byte[]> r = fetch(meta.activeHost(), "/graphs/" + key + "?" + LOCAL_ONLY);
        sendJson(ex, r.statusCode(), r.body());
        return;
      }
      GraphState state = localGraph(key, meta);
      if (state == null) {
        send(ex, 404, "text/plain", "no graph for " + key + "\n");
      } else {
        sendJson(ex, 200, Json.mapper().writeValueAsBytes(GraphMerge.toGraph(state, clock.instant())));
      }
    } catch (RuntimeException | InterruptedException e) {
      log.warn("graph query {} failed: {}", ex.getRequestURI(), e.toString());
      send(ex, 503, "text/plain", "graphs are not available right now: " + e.getMessage() + "\n");
    }
  }

  private void all(HttpExchange ex, String type, Function<List<DependencyGraph>, String> render)
      throws IOException {
    try {
      send(ex, 200, type, render.apply(everywhere()));
    } catch (RuntimeException | InterruptedException e) {
      send(ex, 503, "text/plain", "graphs are not available right now: " + e.getMessage() + "\n");
    }
  }

  /** Graphs of the partitions this instance owns, as of their last commit (IQv2: the store is not a KeyValueStore). */
  private List<DependencyGraph> local() {
    StateQueryResult<KeyValueIterator<String, GraphState>> result = streams.query(StateQueryRequest
        .inStore(AnalyzerSettings.GRAPH_STORE).withQuery(RangeQuery.<String, GraphState>withNoBounds()).requireActive());
    Set<Integer> activeHere = new HashSet<>();
    for (StreamsMetadata m : streams.streamsMetadataForStore(AnalyzerSettings.GRAPH_STORE)) {
      if (m.hostInfo().equals(self)) {
        m.topicPartitions().forEach(tp -> activeHere.add(tp.partition()));
      }
    }
    return collect(result.getPartitionResults(), activeHere, s -> GraphMerge.toGraph(s, clock.instant()));
  }

  /**
   * Every graph of the partition results, closing every iterator whatever happens. A standby copy
   * (num.standby.replicas) answers NOT_ACTIVE and is skipped: its active task answers on another
   * instance. Any other failure, or NOT_ACTIVE for a partition this instance owns (a rebalance),
   * fails the whole answer rather than return part of the graph.
   */
  static List<DependencyGraph> collect(Map<Integer, QueryResult<KeyValueIterator<String, GraphState>>> results,
      Set<Integer> activeHere, Function<GraphState, DependencyGraph> render) {
    List<DependencyGraph> out = new ArrayList<>();
    RuntimeException failure = null;
    for (Map.Entry<Integer, QueryResult<KeyValueIterator<String, GraphState>>> e : results.entrySet()) {
      QueryResult<KeyValueIterator<String, GraphState>> r = e.getValue();
      if (r.isFailure()) {
        boolean standby = r.getFailureReason() == FailureReason.NOT_ACTIVE && !activeHere.contains(e.getKey());
        if (!standby && failure == null) {
          failure = failed(r);
        }
        continue;
      }
      try (KeyValueIterator<String, GraphState> it = r.getResult()) {
        while (failure == null && it.hasNext()) {
          out.add(render.apply(it.next().value));
        }
      } catch (RuntimeException ex) {
        failure = failure != null ? failure : ex; // and go on, to close the other iterators
      }
    }
    if (failure != null) {
      throw failure;
    }
    return out;
  }

  private GraphState localGraph(String key, KeyQueryMetadata meta) {
    StateQueryRequest<GraphState> request = StateQueryRequest.inStore(AnalyzerSettings.GRAPH_STORE)
        .withQuery(KeyQuery.<String, GraphState>withKey(key)).requireActive();
    if (meta != null && meta.partition() >= 0) {
      request = request.withPartitions(Set.of(meta.partition()));
    }
    for (QueryResult<GraphState> r : streams.query(request).getPartitionResults().values()) {
      if (r.isFailure()) {
        throw failed(r);
      }
      if (r.getResult() != null) {
        return r.getResult();
      }
    }
    return null;
  }

  private static IllegalStateException failed(QueryResult<?> r) {
    return new IllegalStateException(r.getFailureReason() + ": " + r.getFailureMessage());
  }

  private List<DependencyGraph> everywhere() throws IOException, InterruptedException {
    List<DependencyGraph> out = new ArrayList<>(local());
    for (StreamsMetadata m : streams.streamsMetadataForStore(AnalyzerSettings.GRAPH_STORE)) {
      if (m.hostInfo().equals(self) || m.hostInfo().equals(HostInfo.unavailable())) {
        continue;
      }
      HttpResponse<byte[]> r = fetch(m.hostInfo(), "/graphs?" + LOCAL_ONLY);
      if (r.statusCode() != 200) {
        throw new IllegalStateException("instance " + m.hostInfo() + " answered " + r.statusCode());
      }
      out.addAll(List.of(Json.mapper().readValue(r.body(), DependencyGraph[].class)));
    }
    return out;
  }

  /**
   * Asks another instance. One that cannot be reached (killed, and the group has not noticed yet)
   * is an {@link IllegalStateException}, so the caller answers 503 with its address instead of
   * closing the connection without a word.
   */
  private HttpResponse<byte[]> fetch(HostInfo host, String pathAndQuery) throws InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + host.host() + ":" + host.port() + pathAndQuery))
        .timeout(Duration.ofSeconds(5)).GET().build();
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new IllegalStateException("instance " + host + " cannot be reached (" + e + "); its partitions move to "
          + "the others once the group notices", e);
    }
  }

  private static void sendJson(HttpExchange ex, int status, byte[] body) throws IOException {
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
