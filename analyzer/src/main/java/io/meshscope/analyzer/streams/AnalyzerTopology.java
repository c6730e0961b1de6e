package io.meshscope.analyzer.streams;

import io.meshscope.analyzer.domain.EdgeExtractor;
import io.meshscope.analyzer.domain.GraphMerge;
import io.meshscope.analyzer.domain.GraphRules;
import io.meshscope.analyzer.domain.GraphState;
import io.meshscope.analyzer.domain.HostNormalizer;
import io.meshscope.analyzer.domain.Observation;
import io.meshscope.analyzer.domain.WorkloadAddress;
import io.meshscope.schemas.DependencyGraph;
import io.meshscope.schemas.JsonSerde;
import io.meshscope.schemas.Topic;
import io.meshscope.schemas.Topics;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * access records -> one step per record that dead-letters it, announces its reporter's addresses,
 * and merges its observations into the graphs of the workloads this task keeps -> full graph on
 * the compacted graph topic when its edge set changes.
 *
 * <pre>
 *                                              +--dead letters--> [dead-letters]
 *                                              +--announcements--> [workload-directory] --> global store workload-directory
 * [access-logs] --analyze (graph store)--------+--graphs--> [dependency-graphs]
 *                                              +--observations of other tasks' workloads--> repartition by workload
 *                                                   --> merge (graph store) --> [dependency-graphs]
 * </pre>
 *
 * <p>Access records are keyed by the calling workload, so most observations (a sidecar's outbound
 * calls) are already in the partition of the workload they concern and are merged where they are
 * read; only the others (inbound entries, egress-proxy traffic, callers known by IP) cross the
 * repartition topic. Both merges use one store, in one sub-topology, so the repartition topic has
 * as many partitions as the access-log topic.
 *
 * Every step and store is named so that internal topics keep their names across releases.
 */
public final class AnalyzerTopology {
  private AnalyzerTopology() {}

  /**
   * @param accessLogPartitions partitions of the access-log topic, to know which observations are
   *     already where they belong; 0 when unknown, and then all are repartitioned
   */
  public static Topology build(AnalyzerSettings settings, int accessLogPartitions) {
    StreamsBuilder builder = new StreamsBuilder();
    buildTopology(builder, settings, new HomePartition(accessLogPartitions));
    return builder.build();
  }

  private static void buildTopology(StreamsBuilder builder, AnalyzerSettings s, HomePartition partitioning) {
    Serde<Observation> observations = InternalSerdes.observation();
    Serde<GraphState> states = InternalSerdes.graphState();
    Serde<WorkloadAddress> addresses = directory(s.directoryTopic()).valueSerde();
    Serde<DependencyGraph> graphs = Topics.dependencyGraphs().valueSerde();

    // A busy workload's state is read and rewritten for every observation: it stays an object in
    // memory, and only the last version per commit is serialized to RocksDB and the changelog.
    builder.addStateStore(WriteBackStore.builder(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(AnalyzerSettings.GRAPH_STORE), Serdes.String(), states), 20_000));
    builder.addStateStore(WriteBackStore.builder(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(AnalyzerSettings.ANNOUNCED_STORE), Serdes.String(), addresses), 50_000));
    // Logged, so that a call held for its caller's announcement survives a move of its task.
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.inMemoryKeyValueStore(AnalyzerSettings.PENDING_STORE), Serdes.String(), observations));
    builder.globalTable(s.directoryTopic(), Consumed.with(Serdes.String(), addresses).withName("directory-source"),
        Materialized.<String, WorkloadAddress, KeyValueStore<Bytes, byte[]>>as(AnalyzerSettings.DIRECTORY_STORE)
            .withKeySerde(Serdes.String()).withValueSerde(addresses));

    // One step for every record; only what it sends on (rarely anything) goes further.
    KStream<String, Outcome> outcomes = builder.stream(s.accessLogTopic(),
            Consumed.with(Serdes.serdeFrom(new StringSerializer(), new WorkloadKeys()), Incoming.serde()).withTimestampExtractor(new EventTimeExtractor())
                .withName("access-records"))
        .process(() -> new AccessLogProcessor(
            new EdgeExtractor(new HostNormalizer(s.meshDomain()), s.egressProxies(), s.edgeTtl()),
            partitioning, rules(s)), Named.as("analyze-records"),
            AnalyzerSettings.GRAPH_STORE, AnalyzerSettings.ANNOUNCED_STORE, AnalyzerSettings.PENDING_STORE);

    outcomes.filter((k, v) -> v instanceof Outcome.DeadLetter, Named.as("dead-letters"))
        .mapValues(v -> ((Outcome.DeadLetter) v).raw(), Named.as("dead-letter-values"))
        .to(s.deadLetterTopic(), Produced.with(Serdes.String(), Serdes.ByteArray()).withName("dead-letter-sink"));
    outcomes.filter((k, v) -> v instanceof Outcome.Announcement, Named.as("announcements"))
        .mapValues(v -> ((Outcome.Announcement) v).address(), Named.as("announced-addresses"))
        .to(s.directoryTopic(), Produced.with(Serdes.String(), addresses).withName("directory-sink"));
    outcomes.filter((k, v) -> v instanceof Outcome.Graph, Named.as("graphs"))
        .mapValues(v -> ((Outcome.Graph) v).graph(), Named.as("graph-values"))
        .to(s.graphTopic(), Produced.with(Serdes.String(), graphs).withName("graph-sink"));
    GraphRules movedRules = rules(s);
    outcomes.filter((k, v) -> v instanceof Outcome.Moved, Named.as("observations-elsewhere"))
        .mapValues(v -> ((Outcome.Moved) v).observation(), Named.as("moving-observations"))
        .repartition(Repartitioned.with(Serdes.String(), observations).withName("observations-by-workload")
            .withStreamPartitioner(HomePartition.partitioner()))
        .process(() -> new GraphProcessor(movedRules), Named.as("merge-moved-graphs"),
            AnalyzerSettings.GRAPH_STORE)
        .to(s.graphTopic(), Produced.with(Serdes.String(), graphs).withName("moved-graph-sink"));
  }

  /**
   * The analyzer's own topic: the latest address each workload announced, compacted, read by every
   * instance as a global table.
   */
  public static Topic<WorkloadAddress> directory(String name) {
    return new Topic<>(name, new JsonSerde<>(WorkloadAddress.class), Map.of("cleanup.policy", "compact"));
  }

  private static GraphRules rules(AnalyzerSettings s) {
    return new GraphRules(new GraphMerge(s.limits()), s.edgeTtl(), s.agingInterval());
  }
}
