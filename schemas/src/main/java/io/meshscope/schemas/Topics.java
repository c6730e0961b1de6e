package io.meshscope.schemas;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The topics between the stages, with the settings they must be created with. Names are defaults;
 * every stage lets its user rename them.
 */
public final class Topics {
  private Topics() {}

  public static final String ACCESS_LOGS = "meshscope.access-logs";
  public static final String DEPENDENCY_GRAPHS = "meshscope.dependency-graphs";
  public static final String SIDECARS = "meshscope.sidecars";
  public static final String DEAD_LETTERS = "meshscope.dead-letters";

  /** A topic and the configuration it is created with when absent. */
  public record Spec(String name, Map<String, String> configs) {
    public Spec {
      Objects.requireNonNull(name, "name");
      configs = Map.copyOf(configs);
    }

    public Spec named(String otherName) {
      return new Spec(otherName, configs);
    }
  }

  private static final String THREE_DAYS_MS = String.valueOf(3L * 24 * 3600 * 1000);
  private static final String FOURTEEN_DAYS_MS = String.valueOf(14L * 24 * 3600 * 1000);

  /** Raw entries: kept for three days, enough to replay a weekend outage of the analyzer. */
  public static Spec accessLogs() {
    return new Spec(ACCESS_LOGS, Map.of("cleanup.policy", "delete", "retention.ms", THREE_DAYS_MS));
  }

  /** Latest full graph per workload: compacted, so a new consumer reads the current state. */
  public static Spec dependencyGraphs() {
    return new Spec(DEPENDENCY_GRAPHS, Map.of("cleanup.policy", "compact"));
  }

  /** Latest Sidecar per workload: compacted. */
  public static Spec sidecars() {
    return new Spec(SIDECARS, Map.of("cleanup.policy", "compact"));
  }

  /** Records no stage could read, with the reason in headers; kept two weeks for people to look at. */
  public static Spec deadLetters() {
    return new Spec(DEAD_LETTERS, Map.of("cleanup.policy", "delete", "retention.ms", FOURTEEN_DAYS_MS));
  }

  public static List<Spec> all() {
    return List.of(accessLogs(), dependencyGraphs(), sidecars(), deadLetters());
  }
}
