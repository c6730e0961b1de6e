package io.meshscope.schemas;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;

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

  /**
   * Creates the topics of {@code specs} that do not exist yet, with their settings; existing ones
   * are left as they are. Returns the names created.
   *
   * @param partitions partitions of a created topic; 0 for the broker's default
   */
  public static List<String> ensure(String bootstrapServers, List<Spec> specs, int partitions) {
    return ensure(bootstrapServers, Map.of(), specs, partitions);
  }

  /** As above, with extra client settings for the Admin client (TLS, SASL). */
  public static List<String> ensure(String bootstrapServers, Map<String, String> clientSettings, List<Spec> specs,
      int partitions) {
    Map<String, Object> config = new HashMap<>(clientSettings);
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    try (Admin admin = Admin.create(config)) {
      return ensure(admin, bootstrapServers, specs, partitions);
    }
  }

  /** As above, with an Admin client the caller has open; {@code cluster} names it in errors. */
  public static List<String> ensure(Admin admin, String cluster, List<Spec> specs, int partitions) {
    try {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<NewTopic> missing = specs.stream().filter(t -> !existing.contains(t.name()))
          .map(t -> new NewTopic(t.name(), partitions > 0 ? Optional.of(partitions) : Optional.empty(),
              Optional.empty()).configs(t.configs()))
          .toList();
      if (!missing.isEmpty()) {
        create(admin, missing, Duration.ofSeconds(30));
      }
      return missing.stream().map(NewTopic::name).toList();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot check or create topics " + specs.stream().map(Spec::name).toList()
          + " on " + cluster + ": " + e.getMessage(), e);
    }
  }

  /**
   * Creates the topics and returns once every partition of them takes writes
   * ({@link #awaitWritable}); each step may take up to {@code timeout}.
   */
  public static void create(Admin admin, List<NewTopic> topics, Duration timeout)
      throws InterruptedException, ExecutionException, TimeoutException {
    admin.createTopics(topics).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    awaitWritable(admin, topics.stream().map(NewTopic::name).toList(), timeout);
  }

  /**
   * Waits until every partition of {@code topics} answers on its leader. {@code createTopics}
   * returns once the controller has committed the topic, but a broker opens its partitions a little
   * later. An idempotent producer that writes in that gap can lose a batch: the first request fails
   * with NOT_LEADER_OR_FOLLOWER, a later one is appended, and the first one's retries then fail with
   * OUT_OF_ORDER_SEQUENCE_NUMBER until {@code delivery.timeout.ms} drops it (KAFKA-15591). A
   * ListOffsets request is answered only by a partition's open leader, so its success on every
   * partition closes the gap.
   */
  public static void awaitWritable(Admin admin, Collection<String> topics, Duration timeout)
      throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Throwable last = null;
    while (System.nanoTime() < deadline) {
      try {
        Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
        for (TopicDescription d : admin.describeTopics(topics).allTopicNames().get(remainingMs(deadline),
            TimeUnit.MILLISECONDS).values()) {
          d.partitions().forEach(p -> partitions.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest()));
        }
        admin.listOffsets(partitions).all().get(remainingMs(deadline), TimeUnit.MILLISECONDS);
        return;
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof RetriableException)) {
          throw new IllegalStateException("cannot read the partitions of " + topics + ": " + e.getCause(), e.getCause());
        }
        last = e.getCause();
      }
      Thread.sleep(20);
    }
    throw new TimeoutException("the partitions of " + topics + " had no open leader within " + timeout
        + (last == null ? "" : " (last error: " + last + ")"));
  }

  private static long remainingMs(long deadlineNanos) {
    return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
  }
}
