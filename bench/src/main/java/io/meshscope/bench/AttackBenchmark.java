package io.meshscope.bench;

import io.envoyproxy.envoy.service.accesslog.v3.AccessLogServiceGrpc;
import io.envoyproxy.envoy.service.accesslog.v3.StreamAccessLogsMessage;
import io.envoyproxy.envoy.service.accesslog.v3.StreamAccessLogsResponse;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.meshscope.client.simulate.Entries;
import io.meshscope.client.simulate.EnvoyAlsClient;
import io.meshscope.kafka.embedded.EmbeddedKafkaBroker;
import io.meshscope.kafka.embedded.EmbeddedKafkaConfig;
import io.meshscope.kit.TopicAdmin;
import java.nio.charset.StandardCharsets;
import io.meshscope.client.simulate.SlowDrip;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Resource attacks on the receiver (issue 17, item 3): while Envoy-like streams send at a fixed
 * rate (the "others", {@code meshscope simulate --rate}), each attack runs for one phase, and the
 * others' throughput in it is reported as a ratio to a phase without attack measured in the same
 * run, with the receiver's peak heap under the -Xmx256m of {@code deploy/receiver.yaml}.
 */
public final class AttackBenchmark {

  private static final MethodDescriptor<byte[], StreamAccessLogsResponse> RAW =
      AccessLogServiceGrpc.getStreamAccessLogsMethod().toBuilder(EnvoyAlsClient.bytesMarshaller(),
          AccessLogServiceGrpc.getStreamAccessLogsMethod().getResponseMarshaller()).build();

  private AttackBenchmark() {}

  /** One attack: started, left running for the phase, stopped; returns the entries it got produced. */
  private interface Attack {
    AutoCloseable start(String target, AtomicLong attackerEntries) throws Exception;
  }

  public static void main(String[] args) throws Exception {
    int phaseSeconds = 20;
    int rate = 20_000;
    int idleStreams = 10_000;
    Path out = Path.of("bench", "results");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--phase-seconds" -> phaseSeconds = Integer.parseInt(args[++i]);
        case "--rate" -> rate = Integer.parseInt(args[++i]);
        case "--idle-streams" -> idleStreams = Integer.parseInt(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]
            + "; use --phase-seconds S --rate N --idle-streams N --out DIR");
      }
    }
    Files.createDirectories(out);
    Path work = Files.createTempDirectory("meshscope-attack-");
    final int idle = idleStreams;
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(EmbeddedKafkaConfig.ephemeral())) {
      String bootstrap = broker.bootstrapServers();
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
        TopicAdmin.create(admin, List.of(new NewTopic("meshscope.access-logs", 4, (short) 1)), Duration.ofSeconds(30));
      }
      int grpc = ReceiverBenchmark.freePort();
      int metricsPort = ReceiverBenchmark.freePort();
      List<String> jvm = Processes.jvmOptions(List.of("-Xms256m", "-Xmx256m", "-XX:MaxDirectMemorySize=128m",
          "-XX:+UseParallelGC"), "BENCH_RECEIVER_JVM_OPTS");
      Path receiverLog = work.resolve("receiver.log");
      Process receiver = Processes.java(receiverLog, jvm, "io.meshscope.cli.Meshscope", "receiver",
          "--bootstrap-servers", bootstrap, "--grpc-port", String.valueOf(grpc), "--metrics-port",
          String.valueOf(metricsPort));
      String url = "http://127.0.0.1:" + metricsPort + "/metrics";
      String target = "127.0.0.1:" + grpc;
      Process others = null;
      StringBuilder report = new StringBuilder();
      StringBuilder dripReport = new StringBuilder();
      try {
        ReceiverBenchmark.awaitMetrics(url, receiver, receiverLog);
        others = Processes.java(work.resolve("others.log"), Processes.jvmOptions(List.of("-Xmx512m"),
            "BENCH_SIMULATE_JVM_OPTS"), "io.meshscope.cli.Meshscope", "simulate", "--target", target,
            "--topology", "synthetic", "--services", "64", "--fan-out", "4", "--namespaces", "8",
            "--entries", "1000000000", "--batch-size", "100", "--prebuilt", "--rate", String.valueOf(rate));
        System.out.printf("attack benchmark: others at %,d entries/s, %d s per phase, warming up for 45 s...%n",
            rate, phaseSeconds);
        Thread.sleep(45_000);
        report.append(String.format("%nmeshscope receiver under attack, %s, %d cores; others: 64 synthetic proxies "
            + "at %,d entries/s; receiver JVM %s%n", Instant.now(), Runtime.getRuntime().availableProcessors(), rate,
            String.join(" ", jvm)));
        report.append(String.format("%-44s %14s %8s %16s %14s %13s %10s %12s%n", "phase", "others entries/s", "ratio",
            "attacker entries/s", "peak heap MiB", "peak RSS MiB", "rejected", "open streams"));
        Phase base = phase("no attack", null, url, target, phaseSeconds, receiver, others);
        List<Phase> phases = new ArrayList<>(List.of(base));
        List<Map.Entry<String, Attack>> attacks = List.of(
            Map.entry(String.format("%,d streams that open and never send, 100 pods", idle),
                (Attack) (t, n) -> idleStreams(t, idle)),
            Map.entry("oversized messages (5 MiB), 4 senders", (Attack) (t, n) -> oversized(t)),
            Map.entry("gzip bombs (16 MiB unpacked), 2 senders", (Attack) (t, n) -> bombs(t)),
            Map.entry("one client flooding on 16 streams", (Attack) AttackBenchmark::flood),
            Map.entry(String.format("slow drip, one pod, %d streams more every 5 s", DRIP_CONNECTIONS * DRIP_STREAMS), (Attack) (t, n) -> slowDrip(t, dripReport)));
        for (Map.Entry<String, Attack> a : attacks) {
          phases.add(phase(a.getKey(), a.getValue(), url, target, phaseSeconds, receiver, others));
        }
        Phase after = phase("no attack, again", null, url, target, phaseSeconds, receiver, others);
        phases.add(after);
        // The receiver's JIT may still be warming in the first phase: the baseline is the faster of
        // the two phases without attack, never their mean.
        double baseline = Math.max(base.othersRate(), after.othersRate());
        phases.forEach(p -> report.append(p.row(baseline)));
        report.append(dripReport);
      } finally {
        if (others != null) {
          others.destroy();
          others.waitFor(30, TimeUnit.SECONDS);
        }
        report.append(String.format("receiver alive at the end: %s%n", receiver.isAlive()));
        receiver.destroy();
        receiver.waitFor(30, TimeUnit.SECONDS);
      }
      System.out.print(report);
      Files.writeString(out.resolve("attack-latest.txt"), report.toString(), StandardCharsets.UTF_8);
    }
  }

  private record Phase(String name, double othersRate, double attackerRate, double peakHeap, double peakRss,
      double rejected, double openStreams) {
    String row(double baseline) {
      return String.format("%-44s %14.0f %8.2f %16.0f %14.0f %13.0f %10.0f %12.0f%n", name, othersRate,
          othersRate / baseline, attackerRate, peakHeap / (1 << 20), peakRss / (1 << 20), rejected, openStreams);
    }
  }

  static final int DRIP_CONNECTIONS = 4;
  static final int DRIP_STREAMS = 16;
  /** Just under the receiver's default --max-message-bytes: the most a dripped message can hold. */
  static final int DRIP_MESSAGE = 256 * 1024 - 64;
  /** The slow-drip attacker's own address: one pod, apart from the others on 127.0.0.1. */
  static final String DRIP_FROM = "127.0.0.2";


  /**
   * Streams that send all of a large message but its last byte and hold it there (see {@link
   * SlowDrip}); a fresh set every 5 s, as an attacker whose streams are closed opens new ones.
   */
  private static AutoCloseable slowDrip(String target, StringBuilder report) throws Exception {
    String[] hostPort = target.split(":");
    List<SlowDrip> drips = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.concurrent.ScheduledExecutorService every = java.util.concurrent.Executors
        .newSingleThreadScheduledExecutor();
    every.scheduleAtFixedRate(() -> {
      try {
        drips.add(SlowDrip.start(hostPort[0], Integer.parseInt(hostPort[1]),
            java.net.InetAddress.getByName(DRIP_FROM), DRIP_CONNECTIONS, DRIP_STREAMS, DRIP_MESSAGE));
      } catch (java.io.IOException e) {
        System.out.println("bench: slow drip could not connect: " + e);
      }
    }, 0, 5, TimeUnit.SECONDS);
    return () -> {
      every.shutdownNow();
      report.append(String.format("slow drip: %d sets of %d streams; %,d MiB of unfinished messages handed to "
              + "the receiver; %d streams closed by it%n", drips.size(), DRIP_CONNECTIONS * DRIP_STREAMS,
          drips.stream().mapToLong(SlowDrip::bytesSent).sum() >> 20,
          drips.stream().mapToLong(SlowDrip::streamsReset).sum()));
      drips.forEach(SlowDrip::close);
    };
  }

  /** The resident memory of a process, heap and direct buffers and all; 0 where /proc is not there. */
  static double rss(Process p) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(p.pid()), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Double.parseDouble(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (java.io.IOException | NumberFormatException e) {
      // not Linux
    }
    return 0;
  }

  private static Phase phase(String name, Attack attack, String url, String target, int seconds, Process receiver,
      Process others) throws Exception {
    System.out.printf("bench: %s...%n", name);
    AtomicLong attackerEntries = new AtomicLong();
    AutoCloseable running = attack == null ? () -> { } : attack.start(target, attackerEntries);
    try {
      // A second for the attack to take hold, then the measured window.
      Thread.sleep(1_000);
      String m0 = Processes.get(url);
      double produced0 = Processes.metric(m0, "meshscope_receiver_entries_produced_total");
      double rejected0 = Processes.metric(m0, "meshscope_receiver_rejected_total");
      long attacker0 = attackerEntries.get();
      long t0 = System.nanoTime();
      double peakHeap = 0;
      double peakRss = 0;
      double openStreams = 0;
      while (System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(seconds)) {
        if (!receiver.isAlive() || !others.isAlive()) {
          throw new IllegalStateException("the receiver or the others' simulator died during: " + name);
        }
        String m = Processes.get(url);
        peakHeap = Math.max(peakHeap, Processes.metric(m, "jvm_memory_used_bytes{area=\"heap\"}"));
        peakRss = Math.max(peakRss, rss(receiver));
        openStreams = Math.max(openStreams, Processes.metric(m, "meshscope_receiver_open_streams"));
        Thread.sleep(200);
      }
      String m1 = Processes.get(url);
      double elapsed = (System.nanoTime() - t0) / 1e9;
      double others1 = Processes.metric(m1, "meshscope_receiver_entries_produced_total") - produced0
          - (attackerEntries.get() - attacker0);
      return new Phase(name, others1 / elapsed, (attackerEntries.get() - attacker0) / elapsed, peakHeap, peakRss,
          Processes.metric(m1, "meshscope_receiver_rejected_total") - rejected0, openStreams);
    } finally {
      running.close();
    }
  }

  private static ManagedChannel channel(String target) {
    return Grpc.newChannelBuilder(target, InsecureChannelCredentials.create())
        .maxInboundMessageSize(1 << 20).build();
  }

  /**
   * Streams that open and never send, 100 per connection, each connection from a loopback address of
   * its own as from a pod of its own: the receiver caps the streams of one client
   * ({@code --max-streams-per-client}), and this phase is about many clients.
   */
  private static AutoCloseable idleStreams(String target, int streams) throws Exception {
    String[] hostPort = target.split(":");
    List<SlowDrip> idle = new ArrayList<>();
    for (int c = 0; c * 100 < streams; c++) {
      idle.add(SlowDrip.start(hostPort[0], Integer.parseInt(hostPort[1]),
          java.net.InetAddress.getByName("127.0.1." + (1 + c % 250)), 1, Math.min(100, streams - c * 100), 0));
    }
    return () -> idle.forEach(SlowDrip::close);
  }


  /** Threads that send one message per stream, wait for the receiver's answer, and start again. */
  private static AutoCloseable senders(String target, int threads, byte[] message, CallOptions options) {
    AtomicBoolean stop = new AtomicBoolean();
    ManagedChannel channel = channel(target);
    List<Thread> running = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      Thread t = new Thread(() -> {
        while (!stop.get()) {
          CountDownLatch closed = new CountDownLatch(1);
          ClientCall<byte[], StreamAccessLogsResponse> call = channel.newCall(RAW, options);
          call.start(new ClientCall.Listener<>() {
            @Override
            public void onClose(Status status, Metadata trailers) {
              closed.countDown();
            }
          }, new Metadata());
          call.request(1);
          call.sendMessage(message);
          call.halfClose();
          try {
            closed.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "attacker-" + i);
      t.setDaemon(true);
      t.start();
      running.add(t);
    }
    return () -> {
      stop.set(true);
      for (Thread t : running) {
        t.join(35_000);
      }
      channel.shutdownNow();
    };
  }

  private static AutoCloseable oversized(String target) {
    byte[] junk = new byte[5 << 20];
    return senders(target, 4, junk, CallOptions.DEFAULT);
  }

  private static AutoCloseable bombs(String target) {
    StreamAccessLogsMessage.Builder m = StreamAccessLogsMessage.newBuilder();
    m.getHttpLogsBuilder().addLogEntry(Entries.outboundHttp(Instant.parse("2026-11-20T10:00:00Z"), "x.example.com",
        80, "/" + "a".repeat(16 << 20), 200));
    return senders(target, 2, m.build().toByteArray(), CallOptions.DEFAULT.withCompression("gzip"));
  }

  private static AutoCloseable flood(String target, AtomicLong entries) throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    ManagedChannel channel = channel(target);
    StreamAccessLogsMessage.Builder batch = StreamAccessLogsMessage.newBuilder();
    for (int i = 0; i < 100; i++) {
      batch.getHttpLogsBuilder().addLogEntry(Entries.outboundHttp(Instant.parse("2026-11-20T10:00:00Z"),
          "api.example.com", 443, "/flood/" + i, 200));
    }
    StreamAccessLogsMessage batchMessage = batch.build();
    byte[] message = batchMessage.toByteArray();
    List<Thread> running = new ArrayList<>();
    for (int s = 0; s < 16; s++) {
      int stream = s;
      Thread t = new Thread(() -> {
        EnvoyAlsClient client = new EnvoyAlsClient(channel, Entries.identity("sidecar", "flood", "flood", "v1",
            "flood-" + stream, "10.99.0." + (stream + 1)), 100, 60_000);
        try {
          // The first message carries the identity, as Envoy's does; the rest are the prebuilt batch.
          StreamAccessLogsMessage first = StreamAccessLogsMessage.newBuilder(batchMessage).setIdentifier(
              Entries.identity("sidecar", "flood", "flood", "v1", "flood-" + stream, "10.99.0." + (stream + 1)))
              .build();
          client.sendAsIs(first);
          entries.addAndGet(100);
          while (!stop.get()) {
            client.sendSerialized(message);
            entries.addAndGet(100);
          }
          client.close();
        } catch (InterruptedException | RuntimeException e) {
          // the phase ended or the channel closed
        }
      }, "flooder-" + s);
      t.setDaemon(true);
      t.start();
      running.add(t);
    }
    return () -> {
      stop.set(true);
      for (Thread t : running) {
        t.join(35_000);
      }
      channel.shutdownNow();
    };
  }
}
