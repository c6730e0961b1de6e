package io.meshscope.schemas;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The topics between the stages (receiver → access logs → analyzer → dependency graphs → generator →
 * sidecars, the mesh report, and the dead letters of the last two), each described once. Names are defaults; every
 * stage lets its user rename them.
 */
public final class Topics {
  private Topics() {}

  // Constants, so that the launcher's flags can show them as their defaults.
  public static final String ACCESS_LOGS = "meshscope.access-logs";
  public static final String DEPENDENCY_GRAPHS = "meshscope.dependency-graphs";
  public static final String SIDECARS = "meshscope.sidecars";
  public static final String DEAD_LETTERS = "meshscope.dead-letters";
  public static final String MESH_REPORT = "meshscope.mesh-report";

  private static final String THREE_DAYS_MS = String.valueOf(3L * 24 * 3600 * 1000);
  private static final String FOURTEEN_DAYS_MS = String.valueOf(14L * 24 * 3600 * 1000);

  /** Raw entries as {@link AccessRecord}s: kept for three days, enough to replay a weekend outage of the analyzer. */
  public static Topic<AccessRecord> accessLogs() {
    return new Topic<>(ACCESS_LOGS, new JsonSerde<>(AccessRecord.class),
        Map.of("cleanup.policy", "delete", "retention.ms", THREE_DAYS_MS));
  }

  /** Latest full {@link DependencyGraph} per workload: compacted, so a new consumer reads the current state. */
  public static Topic<DependencyGraph> dependencyGraphs() {
    return new Topic<>(DEPENDENCY_GRAPHS, new JsonSerde<>(DependencyGraph.class), Map.of("cleanup.policy", "compact"));
  }

  /** Latest {@link SidecarRecommendation} per workload: compacted. */
  public static Topic<SidecarRecommendation> sidecars() {
    return new Topic<>(SIDECARS, new JsonSerde<>(SidecarRecommendation.class), Map.of("cleanup.policy", "compact"));
  }

  /**
   * The latest {@link MeshReport}, the mesh-wide payoff and discovery-scope advice: compacted, one key
   * ({@link MeshReport#KEY}).
   */
  public static Topic<MeshReport> meshReport() {
    return new Topic<>(MESH_REPORT, new JsonSerde<>(MeshReport.class), Map.of("cleanup.policy", "compact"));
  }

  /**
   * Records no stage could read, as they came, with the reason in headers; kept two weeks for people
   * to look at.
   */
  public static Topic<byte[]> deadLetters() {
    return new Topic<>(DEAD_LETTERS, Serdes.ByteArray(),
        Map.of("cleanup.policy", "delete", "retention.ms", FOURTEEN_DAYS_MS));
  }

  public static List<Topic<?>> all() {
    return List.of(accessLogs(), dependencyGraphs(), sidecars(), meshReport(), deadLetters());
  }
}
