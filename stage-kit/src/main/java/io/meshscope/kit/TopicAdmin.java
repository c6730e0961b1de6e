package io.meshscope.kit;

import io.meshscope.schemas.Topic;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

/** Creates the topics a stage writes, with their settings, and waits until they take writes. */
public final class TopicAdmin {
  private TopicAdmin() {}

  /**
   * Creates the topics of {@code topics} that do not exist yet, with their settings; existing ones
   * are left as they are. Returns the names created.
   *
   * @param partitions partitions of a created topic; 0 for the broker's default
   */
  public static List<String> ensure(String bootstrapServers, List<Topic<?>> topics, int partitions) {
    return ensure(bootstrapServers, Map.of(), topics, partitions);
  }

  /** As above, with extra client settings for the Admin client (TLS, SASL). */
  public static List<String> ensure(String bootstrapServers, Map<String, String> clientSettings,
      List<Topic<?>> topics, int partitions) {
    Map<String, Object> config = new HashMap<>(clientSettings);
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    try (Admin admin = Admin.create(config)) {
      return ensure(admin, bootstrapServers, topics, partitions);
    }
  }

  /** As above, with an Admin client the caller has open; {@code cluster} names it in errors. */
  public static List<String> ensure(Admin admin, String cluster, List<Topic<?>> topics, int partitions) {
    try {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<NewTopic> missing = topics.stream().filter(t -> !existing.contains(t.name()))
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
      throw new IllegalStateException("cannot check or create topics " + topics.stream().map(Topic::name).toList()
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
   * partition closes the gap. Until then it asks again every 20 ms: the gap lasts milliseconds.
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
