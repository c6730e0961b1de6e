package io.meshscope.faults;

import io.envoyproxy.envoy.data.accesslog.v3.HTTPAccessLogEntry;
import io.envoyproxy.envoy.service.accesslog.v3.AccessLogServiceGrpc;
import io.envoyproxy.envoy.service.accesslog.v3.StreamAccessLogsMessage;
import io.envoyproxy.envoy.service.accesslog.v3.StreamAccessLogsResponse;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import io.meshscope.client.simulate.Entries;
import io.meshscope.client.simulate.EnvoyAlsClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Envoy-like access-log traffic in which every entry is numbered (its path is {@code /seq/<n>}), so
 * that a fault's cost is counted to the entry. Each proxy keeps one ALS stream, as Envoy does, and
 * like Envoy's gRPC access logger it never waits: when the stream cannot take more (the receiver
 * stopped reading, or is gone) the entries are dropped and counted here, and a broken stream is
 * opened again, identity first, on the next batch.
 */
final class FaultTraffic implements AutoCloseable {

  static final Instant EPOCH = Instant.parse("2026-11-20T10:00:00Z");
  static final String NAMESPACE = "faults";
  static final int CALLEES = 3;
  /** The most hosts a proxy calls when its hosts grow: fewer than the 97 services, so all distinct. */
  static final int MAX_CALLEES = 40;

  private static final MethodDescriptor<byte[], StreamAccessLogsResponse> RAW =
      AccessLogServiceGrpc.getStreamAccessLogsMethod().toBuilder(EnvoyAlsClient.bytesMarshaller(),
          AccessLogServiceGrpc.getStreamAccessLogsMethod().getResponseMarshaller()).build();

  private final ManagedChannel channel;
  private final int proxies;
  private final int ratePerSecond;
  /** Every this long each proxy starts calling one more host; 0 for a fixed three. */
  private final long newHostEveryNanos;
  private final Stream[] streams;
  private final BitSet sent = new BitSet();
  private final AtomicBoolean running = new AtomicBoolean();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private Thread thread;
  private long startNanos;
  private int next;
  private long dropped;
  private long reopened;

  FaultTraffic(ManagedChannel channel, int proxies, int ratePerSecond) {
    this(channel, proxies, ratePerSecond, java.time.Duration.ZERO);
  }

  /**
   * @param newHostEvery how often each proxy starts calling one more host (up to {@link #MAX_CALLEES}),
   *     so that Sidecars keep changing while a fault hits the generator; zero for a fixed three
   */
  FaultTraffic(ManagedChannel channel, int proxies, int ratePerSecond, java.time.Duration newHostEvery) {
    this.channel = channel;
    this.proxies = proxies;
    this.ratePerSecond = ratePerSecond;
    this.newHostEveryNanos = newHostEvery.toNanos();
    this.streams = new Stream[proxies];
  }

  static String app(int proxy) {
    return "app-" + proxy;
  }

  static String callee(int proxy, int call) {
    return "svc-" + ((proxy + call + 1) % 97) + "." + NAMESPACE + ".svc.cluster.local";
  }

  /** Opens every proxy's stream and waits until each can take entries, then starts the traffic. */
  void start() throws InterruptedException {
    synchronized (this) {
      for (int p = 0; p < proxies; p++) {
        streams[p] = new Stream(p);
      }
    }
    long deadline = System.nanoTime() + 30_000_000_000L;
    for (Stream s : streams) {
      while (!s.call.isReady() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
    }
    running.set(true);
    startNanos = System.nanoTime();
    thread = new Thread(this::run, "fault-traffic");
    thread.start();
  }

  /** Every 100 ms, a batch per proxy of a tenth of its share of the rate. */
  private void run() {
    long tick = 100_000_000L;
    long nextTick = System.nanoTime();
    int perBatch = Math.max(1, ratePerSecond / 10 / proxies);
    try {
      while (running.get()) {
        for (int p = 0; p < proxies; p++) {
          batch(p, perBatch);
        }
        nextTick += tick;
        long wait = nextTick - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      stopped.countDown();
    }
  }

  private synchronized void batch(int proxy, int n) {
    Stream s = streams[proxy];
    if (s == null || s.broken) {
      if (s != null) {
        reopened++;
        // Envoy opens a new stream at once; gRPC's channel would otherwise back off for up to minutes.
        channel.resetConnectBackoff();
      }
      s = streams[proxy] = new Stream(proxy);
    }
    int first = next;
    next += n;
    if (!s.call.isReady()) {
      dropped += n; // Envoy's buffer is full or the stream is not connected: Envoy drops and counts it
      return;
    }
    StreamAccessLogsMessage.Builder m = StreamAccessLogsMessage.newBuilder();
    if (!s.identitySent) {
      m.setIdentifier(Entries.identity("sidecar", NAMESPACE, app(proxy), "v1", app(proxy) + "-0", ip(proxy)));
      s.identitySent = true;
    }
    List<HTTPAccessLogEntry> entries = new ArrayList<>(n);
    // Event time runs with the traffic from a fixed instant: the same on any date.
    long elapsed = System.nanoTime() - startNanos;
    Instant at = EPOCH.plusNanos(elapsed);
    int callees = newHostEveryNanos == 0 ? CALLEES
        : (int) Math.min(MAX_CALLEES, CALLEES + elapsed / newHostEveryNanos);
    for (int i = 0; i < n; i++) {
      int seq = first + i;
      // The newest host first, so that it is called in the batch where it appears.
      int call = i == 0 ? callees - 1 : seq % callees;
      entries.add(Entries.outboundHttp(at, callee(proxy, call), 8080, "/seq/" + seq, 200));
    }
    m.getHttpLogsBuilder().addAllLogEntry(entries);
    try {
      s.call.onNext(m.build().toByteArray());
      sent.set(first, first + n);
    } catch (RuntimeException e) {
      dropped += n;
      s.broken = true;
    }
  }

  private static String ip(int proxy) {
    return "10.77." + (proxy / 250) + "." + (proxy % 250 + 1);
  }

  /** Stops sending and half-closes every stream, as Envoy does when it shuts down. */
  @Override
  public void close() throws InterruptedException {
    running.set(false);
    stopped.await();
    synchronized (this) {
      for (Stream s : streams) {
        if (s != null && !s.broken) {
          try {
            s.call.onCompleted();
          } catch (RuntimeException ignored) {
            // already failed: its entries were counted when they were sent
          }
        }
      }
    }
  }

  synchronized BitSet sent() {
    return (BitSet) sent.clone();
  }

  synchronized long dropped() {
    return dropped;
  }

  synchronized long reopened() {
    return reopened;
  }

  synchronized int numbered() {
    return next;
  }

  private final class Stream {
    final ClientCallStreamObserver<byte[]> call;
    volatile boolean broken;
    boolean identitySent;

    Stream(int proxy) {
      ClientCallStreamObserver<byte[]>[] holder = new ClientCallStreamObserver[1];
      ClientCalls.asyncBidiStreamingCall(channel.newCall(RAW, CallOptions.DEFAULT),
          new ClientResponseObserver<byte[], StreamAccessLogsResponse>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<byte[]> requestStream) {
              holder[0] = requestStream;
            }

            @Override
            public void onNext(StreamAccessLogsResponse value) {}

            @Override
            public void onError(Throwable t) {
              broken = true;
            }

            @Override
            public void onCompleted() {
              broken = true;
            }
          });
      this.call = holder[0];
    }
  }
}
