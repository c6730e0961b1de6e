package io.meshscope.cli;

import io.meshscope.kafka.embedded.EmbeddedKafkaBroker;
import io.meshscope.kafka.embedded.EmbeddedKafkaConfig;
import io.meshscope.kit.TopicAdmin;
import io.meshscope.schemas.Topics;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "kafka", mixinStandardHelpOptions = true,
    description = {"Runs a single-node Kafka broker (KRaft) in this process for local use.",
        "Creates meshscope's topics and prints the bootstrap address. Not for production: one node,",
        "replication factor 1."})
final class KafkaCommand implements Callable<Integer> {

  @Option(names = "--data-dir", defaultValue = ".meshscope/kafka",
      description = "Where the broker keeps its data; a second run resumes from it. Default: ${DEFAULT-VALUE}.")
  Path dataDir;

  @Option(names = "--port", defaultValue = "9092", description = "Client port on 127.0.0.1. Default: ${DEFAULT-VALUE}.")
  int port;

  @Option(names = "--partitions", defaultValue = "4", description = "Partitions of the topics created. Default: ${DEFAULT-VALUE}.")
  int partitions;

  @Override
  public Integer call() throws Exception {
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(
        EmbeddedKafkaConfig.persistentIn(dataDir).withPort(port));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      broker.close();
      stopped.countDown();
    }, "meshscope-shutdown"));
    createTopics(broker.bootstrapServers(), partitions);
    System.out.println(broker.bootstrapServers());
    System.out.flush();
    stopped.await();
    return 0;
  }

  static void createTopics(String bootstrap, int partitions) {
    TopicAdmin.ensure(bootstrap, Topics.all(), partitions);
  }
}
