package io.meshscope.analyzer.streams;

import io.meshscope.analyzer.domain.GraphRules;
import io.meshscope.analyzer.domain.Observation;
import io.meshscope.schemas.DependencyGraph;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Merges the observations that came over the repartition topic into the graphs of this task, in
 * the same store as {@link AccessLogProcessor} (which also runs the aging punctuation).
 */
final class GraphProcessor implements Processor<String, Observation, String, DependencyGraph> {

  private final GraphRules rules;
  private ProcessorContext<String, DependencyGraph> context;
  private GraphKeeper graphs;

  GraphProcessor(GraphRules rules) {
    this.rules = rules;
  }

  @Override
  public void init(ProcessorContext<String, DependencyGraph> context) {
    this.context = context;
    this.graphs = new GraphKeeper(rules, context.getStateStore(AnalyzerSettings.GRAPH_STORE),
        context::forward);
  }

  @Override
  public void process(Record<String, Observation> record) {
    graphs.add(record.key(), record.value(), context.currentStreamTimeMs());
  }
}
