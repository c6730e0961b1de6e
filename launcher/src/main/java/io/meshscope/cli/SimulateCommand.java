package io.meshscope.cli;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.meshscope.client.simulate.Simulation;
import io.meshscope.client.simulate.Topology;
import io.meshscope.receiver.ReceiverConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "simulate", mixinStandardHelpOptions = true,
    description = {"Sends Envoy-like access-log traffic to a receiver.",
        "One stream per proxy, identity in the first message only, entries batched and flushed as Envoy's",
        "gRPC access logger does. Each call shows twice: outbound at the caller, inbound at the callee."})
final class SimulateCommand implements Callable<Integer> {

  enum Kind { bookinfo, synthetic }

  @Option(names = "--target", defaultValue = "127.0.0.1:" + ReceiverConfig.DEFAULT_GRPC_PORT,
      description = "Receiver host:port. Default: ${DEFAULT-VALUE}.")
  String target;

  @Option(names = "--topology", defaultValue = "bookinfo",
      description = "bookinfo (built in) or synthetic. Default: ${DEFAULT-VALUE}.")
  Kind topology;

  @Option(names = "--namespace", defaultValue = "bookinfo", description = "Bookinfo's namespace. Default: ${DEFAULT-VALUE}.")
  String namespace;

  @Option(names = "--services", defaultValue = "50", description = "Synthetic: services. Default: ${DEFAULT-VALUE}.")
  int services;

  @Option(names = "--fan-out", defaultValue = "3", description = "Synthetic: callees per service. Default: ${DEFAULT-VALUE}.")
  int fanOut;

  @Option(names = "--namespaces", defaultValue = "5", description = "Synthetic: namespaces. Default: ${DEFAULT-VALUE}.")
  int namespaces;

  @Option(names = "--entries", defaultValue = "10000", description = "Entries to send in all. Default: ${DEFAULT-VALUE}.")
  long entries;

  @Option(names = "--streams-per-proxy", defaultValue = "1", description = "ALS streams per proxy. Default: ${DEFAULT-VALUE}.")
  int streamsPerProxy;

  @Option(names = "--batch-size", defaultValue = "100",
      description = "Entries per message (Envoy flushes when its buffer fills). Default: ${DEFAULT-VALUE}.")
  int batchSize;

  @Option(names = "--flush-interval-ms", defaultValue = "1000",
      description = "Envoy's buffer_flush_interval. Default: ${DEFAULT-VALUE}.")
  long flushMillis;

  @Option(names = "--rate", defaultValue = "0", description = "Entries per second in all; 0 = as fast as taken.")
  long rate;

  @Option(names = "--start", description = "Event time of the first entry (ISO-8601). Default: now.")
  Instant start;

  @Option(names = "--step", defaultValue = "PT0S",
      description = "Event time between entries (ISO-8601 duration), to cover days in seconds. Default: ${DEFAULT-VALUE}.")
  Duration step;

  @Option(names = "--prebuilt", description = "Benchmark mode: build a few batches per stream once and resend "
      + "them, so the generator's CPU goes to sending (HTTP entries only).")
  boolean prebuilt;

  @Option(names = "--tls-ca", description = "Trust this CA (PEM) and connect with TLS.")
  Path tlsCa;

  @Option(names = "--tls-cert", description = "Client certificate (PEM) for mTLS.")
  Path tlsCert;

  @Option(names = "--tls-key", description = "Client key (PEM) for mTLS.")
  Path tlsKey;

  @Option(names = "--authority", description = "Override the TLS authority (the name in the server's certificate).")
  String authority;

  @Override
  public Integer call() throws Exception {
    Topology t = topology == Kind.bookinfo ? Topology.bookinfo(namespace)
        : Topology.synthetic(services, fanOut, namespaces);
    Simulation simulation = new Simulation(t, new Simulation.Settings(entries, streamsPerProxy, batchSize, flushMillis,
        rate, start == null ? Instant.now() : start, step, prebuilt));
    var builder = Grpc.newChannelBuilder(target, credentials());
    if (authority != null) {
      builder.overrideAuthority(authority);
    }
    ManagedChannel channel = builder.build();
    long begin = System.nanoTime();
    try {
      System.err.printf("simulate: %s, %d proxies, %d entries to %s%n", t.name(), t.workloads().size(), entries, target);
      long[] last = {-1};
      long sent = simulation.run(channel, n -> {
        if (n != last[0]) {
          System.err.printf("simulate: %,d entries sent%n", n);
          last[0] = n;
        }
      });
      double seconds = (System.nanoTime() - begin) / 1e9;
      System.out.printf("sent %d entries over %d streams in %.1f s (%.0f entries/s)%n", sent,
          t.workloads().size() * streamsPerProxy, seconds, sent / seconds);
      return 0;
    } finally {
      channel.shutdown().awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  private ChannelCredentials credentials() throws IOException {
    if (tlsCa == null) {
      return InsecureChannelCredentials.create();
    }
    TlsChannelCredentials.Builder tls = TlsChannelCredentials.newBuilder().trustManager(tlsCa.toFile());
    if (tlsCert != null) {
      tls.keyManager(tlsCert.toFile(), tlsKey.toFile());
    }
    return tls.build();
  }
}
