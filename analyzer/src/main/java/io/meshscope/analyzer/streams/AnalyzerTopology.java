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
 * [access-logs] --extract (lookup: workload-directory)--> repartition by workload --merge--> [dependency-graphs]
 *        \--announce addresses--> [workload-directory] --> global store workload-directory
 * </pre>
 *
 * Every step and store is named so that internal topics keep their names across releases.
 */
public final class AnalyzerTopology {
  private AnalyzerTopology() {}

  public static Topology build(AnalyzerSettings settings) {
    StreamsBuilder builder = new StreamsBuilder();
    buildTopology(builder, settings);
    return builder.build();
  }

  public static void buildTopology(StreamsBuilder builder, AnalyzerSettings s) {
    Serde<Observation> observations = InternalSerdes.observation();
    Serde<GraphState> states = InternalSerdes.graphState();
    JsonSerde<WorkloadAddress> addresses = new JsonSerde<>(WorkloadAddress.class);
    JsonSerde<DependencyGraph> graphs = TopicSerdes.dependencyGraph();

    // Cached: a busy workload's state is read and rewritten for every observation; the cache keeps
    // it in memory and sends only the last version per commit to RocksDB and the changelog.
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(AnalyzerSettings.GRAPH_STORE), Serdes.String(), states).withCachingEnabled());
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(AnalyzerSettings.ANNOUNCED_STORE), Serdes.String(), addresses)
        .withCachingEnabled());
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
    input.process(() -> new ObservationExtractor(extractor), Named.as("extract-observations"))
        .repartition(Repartitioned.with(Serdes.String(), observations).withName("observations-by-workload"))
        .process(() -> new GraphProcessor(merge, s.edgeTtl(), s.agingInterval()), Named.as("merge-graphs"),
            AnalyzerSettings.GRAPH_STORE)
        .to(s.graphTopic(), Produced.with(Serdes.String(), graphs).withName("graph-sink"));
  }
}
