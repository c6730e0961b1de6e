package io.meshscope.analyzer.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshscope.analyzer.domain.GraphMerge;
import io.meshscope.analyzer.domain.GraphState;
import io.meshscope.schemas.DependencyGraph;
import io.meshscope.schemas.WorkloadRef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.query.FailureReason;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.junit.jupiter.api.Test;

class GraphQueryServerTest {

  private static final Instant T = Instant.parse("2026-11-20T10:00:00Z");
  private static final Function<GraphState, DependencyGraph> RENDER = s -> GraphMerge.toGraph(s, T);

  /** A store iterator over a list, that remembers being closed, and can fail half way. */
  private static final class ListIterator implements KeyValueIterator<String, GraphState> {
    private final Iterator<String> names;
    private final boolean failAfterFirst;
    private int read;
    boolean closed;

    ListIterator(List<String> names, boolean failAfterFirst) {
      this.names = names.iterator();
      this.failAfterFirst = failAfterFirst;
    }

    @Override
    public boolean hasNext() {
      return names.hasNext();
    }

    @Override
    public KeyValue<String, GraphState> next() {
      if (failAfterFirst && read++ == 1) {
        throw new IllegalStateException("store closed by a rebalance");
      }
      String name = names.next();
      return KeyValue.pair("ns/" + name, new GraphState(new WorkloadRef("ns", name, Map.of("app", name)), "sidecar",
          1, T, T, Map.of(), Map.of(), false, T, Map.of()));
    }

    @Override
    public void close() {
      closed = true;
    }

    @Override
    public String peekNextKey() {
      throw new UnsupportedOperationException();
    }
  }

  private static List<String> names(List<DependencyGraph> graphs) {
    List<String> out = new ArrayList<>();
    graphs.forEach(g -> out.add(g.workload().name()));
    return out;
  }

  @Test
  void aStandbyCopyIsSkippedAndItsActiveInstanceAnswersForIt() {
    Map<Integer, QueryResult<KeyValueIterator<String, GraphState>>> results = new LinkedHashMap<>();
    results.put(0, QueryResult.forResult(new ListIterator(List.of("a", "b"), false)));
    results.put(1, QueryResult.forFailure(FailureReason.NOT_ACTIVE, "standby task 0_1"));
    assertEquals(List.of("a", "b"), names(GraphQueryServer.collect(results, Set.of(0), RENDER)));
  }

  @Test
  void anOwnedPartitionThatIsNotActiveFailsTheAnswerInsteadOfShrinkingIt() {
    Map<Integer, QueryResult<KeyValueIterator<String, GraphState>>> results = new LinkedHashMap<>();
    ListIterator first = new ListIterator(List.of("a"), false);
    results.put(0, QueryResult.forResult(first));
    results.put(1, QueryResult.forFailure(FailureReason.NOT_ACTIVE, "rebalancing"));
    assertThrows(IllegalStateException.class, () -> GraphQueryServer.collect(results, Set.of(0, 1), RENDER));
    assertTrue(first.closed);
  }

  @Test
  void everyIteratorIsClosedWhenReadingOneFails() {
    Map<Integer, QueryResult<KeyValueIterator<String, GraphState>>> results = new LinkedHashMap<>();
    ListIterator failing = new ListIterator(List.of("a", "b", "c"), true);
    ListIterator other = new ListIterator(List.of("d"), false);
    results.put(0, QueryResult.forResult(failing));
    results.put(1, QueryResult.forResult(other));
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> GraphQueryServer.collect(results, Set.of(0, 1), RENDER));
    assertEquals("store closed by a rebalance", e.getMessage());
    assertTrue(failing.closed);
    assertTrue(other.closed, "an iterator after the failing one was left open");
  }
}
