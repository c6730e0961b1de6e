package io.meshscope.kafka.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Apache Kafka broker in KRaft mode (combined broker and controller), running inside
 * this JVM from the Maven artifacts. It is a real broker: the same code as a production node, with
 * replication factors of 1 so that consumer groups, transactions and Kafka Streams' exactly_once_v2
 * work against it.
 *
 * <p>Start it with {@link #start(EmbeddedKafkaConfig)} and close it when done: the broker's threads
 * are not daemons and would keep the JVM alive.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
  private static final String CLUSTER_ID_FILE = "meshscope-cluster-id";

  private final KafkaRaftServer server;
  private final Path dataDir;
  private final boolean deleteOnClose;
  private final String bootstrapServers;
  private volatile boolean closed;

  private EmbeddedKafkaBroker(KafkaRaftServer server, Path dataDir, boolean deleteOnClose, int port) {
    this.server = server;
    this.dataDir = dataDir;
    this.deleteOnClose = deleteOnClose;
    this.bootstrapServers = "127.0.0.1:" + port;
  }

  /** Starts a broker on free loopback ports with a fresh data directory that is deleted on close. */
  public static EmbeddedKafkaBroker start() {
    return start(EmbeddedKafkaConfig.ephemeral());
  }

  /** Starts a broker and waits until it answers an Admin request. */
  public static EmbeddedKafkaBroker start(EmbeddedKafkaConfig config) {
    long startNanos = System.nanoTime();
    Path dataDir = config.dataDir().orElseGet(EmbeddedKafkaBroker::freshTempDir);
    boolean deleteOnClose = config.dataDir().isEmpty();
    try {
      Files.createDirectories(dataDir);
      int[] ports = freePorts(2, config.port());
      int port = config.port() > 0 ? config.port() : ports[0];
      int controllerPort = ports[1];
      Properties props = serverProperties(config, dataDir, port, controllerPort);
      format(dataDir, props);
      KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
      EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(server, dataDir, deleteOnClose, port);
      try {
        server.startup();
        broker.awaitReady(config.startTimeout());
      } catch (RuntimeException | Error e) {
        broker.close();
        throw e;
      }
      log.info("Embedded Kafka {} broker ready at {} in {} ms (data in {})",
          EmbeddedKafkaConfig.KAFKA_VERSION, broker.bootstrapServers,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos), dataDir);
      return broker;
    } catch (IOException e) {
      throw new EmbeddedKafkaException("cannot prepare the broker's data directory " + dataDir, e);
    }
  }

  /** The address clients bootstrap from, {@code 127.0.0.1:<port>}. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  public Path dataDir() {
    return dataDir;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    long startNanos = System.nanoTime();
    try {
      server.shutdown();
      server.awaitShutdown();
    } catch (RuntimeException e) {
      log.warn("Embedded Kafka broker at {} did not shut down cleanly", bootstrapServers, e);
    }
    if (deleteOnClose) {
      deleteRecursively(dataDir);
    }
    log.info("Embedded Kafka broker at {} stopped in {} ms", bootstrapServers,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
  }

  static Properties serverProperties(EmbeddedKafkaConfig config, Path dataDir, int port, int controllerPort) {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("log.dirs", dataDir.resolve("logs").toString());
    p.put("metadata.log.dir", dataDir.resolve("metadata").toString());
    // One node: every internal topic must be satisfiable with a single replica, or transactions
    // (and so exactly_once_v2) never become available.
    p.put("offsets.topic.replication.factor", "1");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("default.replication.factor", "1");
    p.put("min.insync.replicas", "1");
    // Fewer internal partitions: creating 50 of each on first use costs seconds on two cores.
    p.put("offsets.topic.num.partitions", "5");
    p.put("transaction.state.log.num.partitions", "5");
    p.put("group.initial.rebalance.delay.ms", "0");
    // The cleaner's 128 MiB default dedupe buffer is sized for production; a few MiB serve here.
    p.put("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
    p.put("auto.create.topics.enable", "false");
    p.put("num.partitions", String.valueOf(config.defaultPartitions()));
    p.putAll(config.overrides());
    return p;
  }

  /**
   * Formats the data directory unless it already holds a broker's data, so a named directory
   * resumes where the previous run left off. The cluster id is kept beside the logs for the same
   * reason.
   */
  private static void format(Path dataDir, Properties props) throws IOException {
    Path idFile = dataDir.resolve(CLUSTER_ID_FILE);
    String clusterId;
    if (Files.exists(idFile)) {
      clusterId = Files.readString(idFile, StandardCharsets.UTF_8).trim();
    } else {
      clusterId = Uuid.randomUuid().toString();
      Files.writeString(idFile, clusterId, StandardCharsets.UTF_8);
    }
    Path propsFile = dataDir.resolve("server.properties");
    try (Writer w = Files.newBufferedWriter(propsFile, StandardCharsets.UTF_8)) {
      props.store(w, "written by meshscope's embedded broker on every start");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code;
    try (PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8)) {
      code = StorageTool.execute(new String[] {
          "format", "-t", clusterId, "-c", propsFile.toString(), "--ignore-formatted"}, ps);
    }
    if (code != 0) {
      throw new EmbeddedKafkaException("formatting " + dataDir + " failed (exit code " + code + "): "
          + out.toString(StandardCharsets.UTF_8).trim(), null);
    }
  }

  private void awaitReady(Duration timeout) {
    Map<String, Object> conf = Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    try (Admin admin = Admin.create(conf)) {
      admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EmbeddedKafkaException("interrupted while waiting for the broker at " + bootstrapServers, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new EmbeddedKafkaException(
          "the broker at " + bootstrapServers + " did not answer within " + timeout, e);
    }
  }

  private static Path freshTempDir() {
    try {
      return Files.createTempDirectory("meshscope-kafka-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary directory for the broker", e);
    }
  }

  /**
   * A port the OS reports free right now. Another process could take it before the broker binds;
   * on a test machine that window is small enough, and the failure is a clear bind error.
   */
  /**
   * Distinct free loopback ports, none equal to {@code avoid}. The sockets stay open until all are
   * picked: closed one by one, the kernel may hand out the same port twice, and the broker then
   * refuses two listeners on one port.
   */
  static int[] freePorts(int count, int avoid) {
    List<ServerSocket> open = new ArrayList<>();
    try {
      int[] ports = new int[count];
      for (int i = 0; i < count; ) {
        ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        open.add(socket);
        if (socket.getLocalPort() != avoid) {
          ports[i++] = socket.getLocalPort();
        }
      }
      return ports;
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    } finally {
      for (ServerSocket socket : open) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // The port was only reserved; a failed close leaves nothing to clean up.
        }
      }
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      log.warn("could not delete the broker's data directory {}", dir, e);
    }
  }
}
