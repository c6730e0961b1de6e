package io.meshscope.client.simulate;

import io.envoyproxy.envoy.data.accesslog.v3.HTTPAccessLogEntry;
import io.envoyproxy.envoy.data.accesslog.v3.TCPAccessLogEntry;
import io.envoyproxy.envoy.service.accesslog.v3.StreamAccessLogsMessage;
import io.grpc.Channel;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * Drives a {@link Topology} against an ALS receiver: one stream per proxy (more with
 * {@code streamsPerProxy}), each logging its calls round-robin until the entry budget is spent.
 * Entry timestamps advance from {@code start} by {@code step} per entry, so a run can cover days of
 * event time in seconds.
 */
public final class Simulation {

  /**
   * @param entries total entries across all streams
   * @param ratePerSecond entries per second across all streams; 0 = as fast as the receiver takes them
   */
  public record Settings(long entries, int streamsPerProxy, int batchSize, long flushIntervalMillis,
      long ratePerSecond, Instant start, Duration step, boolean prebuilt) {

    public Settings(long entries, int streamsPerProxy, int batchSize, long flushIntervalMillis, long ratePerSecond,
        Instant start, Duration step) {
      this(entries, streamsPerProxy, batchSize, flushIntervalMillis, ratePerSecond, start, step, false);
    }

    public Settings {
      if (entries < 0 || streamsPerProxy < 1 || batchSize < 1 || flushIntervalMillis < 1 || ratePerSecond < 0) {
        throw new IllegalArgumentException("entries >= 0, streams >= 1, batch >= 1, flush >= 1 ms, rate >= 0");
      }
    }
  }

  private final Topology topology;
  private final Settings settings;
  private final AtomicLong sent = new AtomicLong();

  public Simulation(Topology topology, Settings settings) {
    this.topology = topology;
    this.settings = settings;
  }

  public long sent() {
    return sent.get();
  }

  /** Runs to completion; {@code progress} is called with the running total about once a second. */
  public long run(Channel channel, LongConsumer progress) throws Exception {
    List<Topology.Proxy> streams = new ArrayList<>();
    for (Topology.Proxy proxy : topology.workloads()) {
      for (int s = 0; s < settings.streamsPerProxy(); s++) {
        streams.add(proxy);
      }
    }
    // A call shows in two logs, as in a real mesh: outbound at the caller, inbound at the callee.
    Map<Topology.Proxy, List<LogItem>> items = logItems();
    long callers = streams.stream().filter(p -> !items.get(p).isEmpty()).count();
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(streams.size(), 64));
    try {
      List<Future<?>> futures = new ArrayList<>();
      long assigned = 0;
      for (Topology.Proxy proxy : streams) {
        long share = 0;
        if (!items.get(proxy).isEmpty()) {
          share = settings.entries() / callers + (assigned < settings.entries() % callers ? 1 : 0);
          assigned++;
        }
        long entries = share;
        futures.add(pool.submit(() -> {
          runStream(channel, proxy, items.get(proxy), entries, streams.size());
          return null;
        }));
      }
      for (Future<?> f : futures) {
        while (true) {
          try {
            f.get(1, TimeUnit.SECONDS);
            break;
          } catch (TimeoutException e) {
            progress.accept(sent.get());
          }
        }
      }
      progress.accept(sent.get());
      return sent.get();
    } finally {
      pool.shutdownNow();
    }
  }

  /** What a proxy's log shows: its outbound calls, then the calls it receives. */
  private record LogItem(Topology.Call call, Topology.Proxy caller) {}

  private Map<Topology.Proxy, List<LogItem>> logItems() {
    Map<Topology.Proxy, List<LogItem>> items = new LinkedHashMap<>();
    topology.workloads().forEach(p -> items.put(p, new ArrayList<>()));
    for (Topology.Proxy caller : topology.workloads()) {
      for (Topology.Call call : caller.calls()) {
        items.get(caller).add(new LogItem(call, null));
        for (Topology.Proxy callee : topology.workloads()) {
          if (call.host().equals(callee.app() + "." + callee.namespace() + ".svc.cluster.local")) {
            items.get(callee).add(new LogItem(call, caller));
          }
        }
      }
    }
    return items;
  }

  private void runStream(Channel channel, Topology.Proxy proxy, List<LogItem> log, long entries, int streams)
      throws Exception {
    var identity = Entries.identity(proxy.role(), proxy.namespace(), proxy.app(), proxy.version(), proxy.pod(),
        proxy.ip());
    EnvoyAlsClient client = new EnvoyAlsClient(channel, identity, settings.batchSize(), settings.flushIntervalMillis());
    double perStreamRate = settings.ratePerSecond() == 0 ? 0 : (double) settings.ratePerSecond() / streams;
    if (settings.prebuilt() && entries > 0) {
      sendPrebuilt(client, identity, proxy, log, entries, perStreamRate);
      return;
    }

    long begin = System.nanoTime();
    for (long i = 0; i < entries; i++) {
      LogItem item = log.get((int) (i % log.size()));
      Instant at = settings.start().plus(settings.step().multipliedBy(sent.getAndIncrement()));
      if (item.call().tcp()) {
        client.log(tcpEntry(item, at));
      } else {
        client.log(httpEntry(item, at));
      }
      if (perStreamRate > 0) {
        long due = begin + (long) ((i + 1) * 1e9 / perStreamRate);
        long wait = due - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
      }
    }
    client.close();
  }

  /**
   * Benchmark mode: a few batches are built once and sent again and again, so the load generator's
   * CPU goes to sending, as Envoy's would, not to building protobufs on the receiver's machine.
   */
  private void sendPrebuilt(EnvoyAlsClient client,
      StreamAccessLogsMessage.Identifier identity, Topology.Proxy proxy,
      List<LogItem> log, long entries, double perStreamRate) throws Exception {
    // Serialized once: the simulator then costs little more CPU than Envoy would.
    List<StreamAccessLogsMessage> batches = new ArrayList<>();
    List<byte[]> wire = new ArrayList<>();
    for (int b = 0; b < 8; b++) {
      var m = StreamAccessLogsMessage.newBuilder();
      for (int i = 0; i < settings.batchSize(); i++) {
        LogItem item = log.get((b * settings.batchSize() + i) % log.size());
        m.getHttpLogsBuilder().addLogEntry(httpEntry(item, settings.start().plusMillis(b * settings.batchSize() + i)));
      }
      batches.add(m.build());
      wire.add(batches.get(b).toByteArray());
    }
    long sentHere = 0;
    long begin = System.nanoTime();
    for (int b = 0; sentHere < entries; b++) {
      if (perStreamRate > 0) {
        // --rate holds here too, a batch at a time: a benchmark's steady background load.
        long wait = begin + (long) (sentHere * 1e9 / perStreamRate) - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
      }
      var batch = batches.get(b % batches.size());
      int n = (int) Math.min(settings.batchSize(), entries - sentHere);
      if (b == 0 || n < settings.batchSize()) {
        var first = batch.toBuilder();
        if (b == 0) {
          first.setIdentifier(identity);
        }
        first.getHttpLogsBuilder().clearLogEntry().addAllLogEntry(batch.getHttpLogs().getLogEntryList().subList(0, n));
        client.sendAsIs(first.build());
      } else {
        client.sendSerialized(wire.get(b % wire.size()));
      }
      sentHere += n;
      sent.addAndGet(n);
    }
    client.close();
  }

  /** The caller's outbound entry, or the callee's inbound one when the item names a caller. */
  private static HTTPAccessLogEntry httpEntry(LogItem item, Instant at) {
    Topology.Call call = item.call();
    Topology.Proxy c = item.caller();
    return c == null ? Entries.outboundHttp(at, call.host(), call.port(), call.path(), 200)
        : Entries.inboundHttp(at, call.port(), String.valueOf(call.path()), c.namespace(), c.app(), c.version(),
            c.pod(), c.ip());
  }

  private static TCPAccessLogEntry tcpEntry(LogItem item, Instant at) {
    Topology.Call call = item.call();
    Topology.Proxy c = item.caller();
    return c == null ? Entries.outboundTcp(at, call.host(), call.port(), 512, 4096)
        : Entries.inboundTcp(at, call.port(), c.namespace(), c.app(), c.version(), c.pod(), c.ip());
  }

  public static Settings defaults(long entries) {
    return new Settings(entries, 1, 100, 1_000, 0, Clock.systemUTC().instant(), Duration.ZERO);
  }
}
