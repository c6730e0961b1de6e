package io.meshscope.analyzer.streams;

import io.meshscope.analyzer.domain.EdgeExtractor;
import io.meshscope.analyzer.domain.GraphMerge;
import io.meshscope.analyzer.domain.GraphState;
import io.meshscope.analyzer.domain.HostNormalizer;
import io.meshscope.analyzer.domain.Observation;
import io.meshscope.analyzer.domain.WorkloadAddress;
import io.meshscope.schemas.AccessRecord;
import io.meshscope.schemas.DependencyGraph;
import io.meshscope.schemas.JsonSerde;
import io.meshscope.schemas.TopicSerdes;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
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
 * access records -> observations keyed by the workload they concern -> per-workload graph in a
 * store -> full graph on the compacted graph topic when its edge set changes.
 *
 * <pre>
 * [access-logs] --unreadable--> [dead-letters]
 *        |
 * [access-logs] --extract (lookup: workload-directory)--+--(already in the workload's partition)--+--merge--> [dependency-graphs]
 *                                                        \--repartition by workload--------------/
 * [access-logs] --announce addresses--> [workload-directory] --> global store workload-directory
 * </pre>
 *
 * <p>Access records are keyed by the calling workload, so most observations (a sidecar's outbound
 * calls) are already in the partition of the workload they concern; only the others (inbound
 * entries, egress-proxy traffic, callers known by IP) cross the repartition topic. Both paths meet
 * in one sub-topology, so the repartition topic has as many partitions as the access-log topic.
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
    JsonSerde<WorkloadAddress> addresses = new JsonSerde<>(WorkloadAddress.class);
    JsonSerde<DependencyGraph> graphs = TopicSerdes.dependencyGraph();

    // A busy workload's state is read and rewritten for every observation: it stays an object in
    // memory, and only the last version per commit is serialized to RocksDB and the changelog.
    builder.addStateStore(WriteBackStore.builder(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(AnalyzerSettings.GRAPH_STORE), Serdes.String(), states), 20_000));
    builder.addStateStore(WriteBackStore.builder(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(AnalyzerSettings.ANNOUNCED_STORE), Serdes.String(), addresses), 50_000));
    builder.globalTable(s.directoryTopic(), Consumed.with(Serdes.String(), addresses).withName("directory-source"),
        Materialized.<String, WorkloadAddress, KeyValueStore<Bytes, byte[]>>as(AnalyzerSettings.DIRECTORY_STORE)
            .withKeySerde(Serdes.String()).withValueSerde(addresses));

    KStream<String, Incoming> incoming = builder.stream(s.accessLogTopic(),
        Consumed.with(Serdes.String(), Incoming.serde()).withTimestampExtractor(new EventTimeExtractor())
            .withName("access-records"));
    incoming.filterNot((k, v) -> v.readable(), Named.as("unreadable-records"))
        .process(DeadLetterProcessor::new, Named.as("dead-letter"))
        .to(s.deadLetterTopic(), Produced.with(Serdes.String(), Serdes.ByteArray()).withName("dead-letter-sink"));
    KStream<String, AccessRecord> input = incoming.filter((k, v) -> v.readable(), Named.as("readable-records"))
        .mapValues(Incoming::record, Named.as("access-record-values"));

    input.process(() -> new AddressAnnouncer(), Named.as("announce-addresses"), AnalyzerSettings.ANNOUNCED_STORE)
        .to(s.directoryTopic(), Produced.with(Serdes.String(), addresses).withName("directory-sink"));

    EdgeExtractor extractor = new EdgeExtractor(new HostNormalizer(s.meshDomain()), s.egressProxies());
    GraphMerge merge = new GraphMerge(s.limits());
    KStream<String, ObservationExtractor.Routed> routed =
        input.process(() -> new ObservationExtractor(extractor, partitioning), Named.as("extract-observations"));
    KStream<String, Observation> home = routed.filter((k, v) -> v.home(), Named.as("observations-at-home"))
        .mapValues(ObservationExtractor.Routed::observation, Named.as("home-observations"));
    KStream<String, Observation> moved = routed.filterNot((k, v) -> v.home(), Named.as("observations-elsewhere"))
        .mapValues(ObservationExtractor.Routed::observation, Named.as("moving-observations"))
        .repartition(Repartitioned.with(Serdes.String(), observations).withName("observations-by-workload")
            .withStreamPartitioner(HomePartition.partitioner()));
    home.merge(moved, Named.as("observations"))
        .process(() -> new GraphProcessor(merge, s.edgeTtl(), s.agingInterval()), Named.as("merge-graphs"),
            AnalyzerSettings.GRAPH_STORE)
        .to(s.graphTopic(), Produced.with(Serdes.String(), graphs).withName("graph-sink"));
  }
}
