package io.meshscope.analyzer.streams;

import io.meshscope.analyzer.domain.EdgeExtractor;
import io.meshscope.analyzer.domain.GraphRules;
import io.meshscope.analyzer.domain.Observation;
import io.meshscope.schemas.AccessRecord;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Everything an access record does, in one step of the topology: an unreadable one becomes a dead
 * letter; a readable one announces its reporter's addresses, and each of its observations is merged
 * into its workload's graph here, or sent on to the task that keeps that workload. As a chain of
 * DSL steps (filters, value mappers, a merge) Kafka Streams spent about a tenth of the stream
 * threads passing each record from step to step, although nearly every record sends nothing on.
 */
final class AccessLogProcessor implements Processor<String, Incoming, String, Outcome> {

  private final EdgeExtractor extractor;
  private final HomePartition partitioning;
  private final GraphRules rules;
  private final DeadLetters deadLetters = new DeadLetters();
  private ProcessorContext<String, Outcome> context;
  private Consumer<Record<String, Outcome>> forward;
  private AddressAnnouncer announcer;
  private ObservationExtractor observations;
  private GraphKeeper graphs;
  private PendingCallers pending;

  AccessLogProcessor(EdgeExtractor extractor, HomePartition partitioning, GraphRules rules) {
    this.extractor = extractor;
    this.partitioning = partitioning;
    this.rules = rules;
  }

  @Override
  public void init(ProcessorContext<String, Outcome> context) {
    this.context = context;
    this.forward = context::forward;
    this.announcer = new AddressAnnouncer(context.getStateStore(AnalyzerSettings.ANNOUNCED_STORE));
    this.observations = new ObservationExtractor(extractor, partitioning,
        context.getStateStore(AnalyzerSettings.DIRECTORY_STORE));
    this.graphs = new GraphKeeper(rules, context.getStateStore(AnalyzerSettings.GRAPH_STORE),
        g -> context.forward(g.withValue(new Outcome.Graph(g.value()))));
    context.schedule(rules.agingInterval(), PunctuationType.STREAM_TIME, graphs::ageAll);
    this.pending = new PendingCallers(context.getStateStore(AnalyzerSettings.PENDING_STORE), observations::resolvePending,
        o -> context.forward(new Record<>(o.key(), new Outcome.Moved(o), o.at().toEpochMilli())));
    context.schedule(PendingCallers.RETRY, PunctuationType.WALL_CLOCK_TIME, pending::retry);
  }

  @Override
  public void process(Record<String, Incoming> record) {
    Incoming in = record.value();
    if (!in.readable()) {
      context.forward(deadLetters.letter(record, context.recordMetadata(), context.currentSystemTimeMs()));
      return;
    }
    AccessRecord r = in.record();
    String key = record.key();
    long timestamp = record.timestamp();
    announcer.process(key, r, timestamp, context.currentSystemTimeMs(), forward);
    List<Observation> found = observations.extract(r);
    if (found.isEmpty()) {
      return;
    }
    Optional<RecordMetadata> source = context.recordMetadata();
    boolean keyIsHome = key != null && observations.keyIsHome(key, source.map(RecordMetadata::partition).orElse(-1));
    long streamTime = context.currentStreamTimeMs();
    for (int i = 0; i < found.size(); i++) {
      Observation o = found.get(i);
      if (o.kind() == Observation.Kind.PENDING_CALLER) {
        pending.hold(o, source.map(m -> m.partition() + "-" + m.offset()).orElse("?") + "-" + i,
            context.currentSystemTimeMs());
      } else if (keyIsHome && o.workload().hasKey(key)) {
        // The record's own key: the same String for every record of the workload (WorkloadKeys),
        // with its hash kept, where o.key() would build a new one for every observation.
        graphs.add(key, o, streamTime);
      } else {
        context.forward(new Record<>(o.key(), new Outcome.Moved(o), timestamp));
      }
    }
  }
}
