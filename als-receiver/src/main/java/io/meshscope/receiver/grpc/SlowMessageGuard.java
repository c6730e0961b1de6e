package io.meshscope.receiver.grpc;

import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Closes a stream whose message started arriving and does not finish within a time limit.
 *
 * <p>gRPC gives a message's bytes back to the sender's flow-control window as it gathers them, so a
 * client that sends all of a large message but its last byte makes the receiver hold up to
 * {@code --max-message-bytes} per stream, for as long as it likes (docs/reliability.md, "Resource
 * attacks"). Envoy sends a batch of about 16 KiB in one go, so a message still incomplete after
 * seconds is not Envoy. The clock of a message starts when gRPC reads its 5-byte prefix, which it
 * does only once the stream asked for a message; while the receiver itself holds streams back (the
 * in-flight budget is spent), every clock starts again, since a connection's shared window can then
 * stall a message that is not to blame.
 */
final class SlowMessageGuard implements AutoCloseable {

  /** Where a stream's tracer is found by its handler, to hand it the stream to close. */
  static final Context.Key<Watch> WATCH = Context.key("meshscope-slow-message-watch");

  private final long limitNanos;
  private final InflightBudget budget;
  private final LongSupplier nanoTime;
  private final Set<Watch> open = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService timer;
  private final java.util.function.BiConsumer<Status, Closed> onClosed;

  /** Who ended a stream: gRPC or the peer, this guard (too slow), or the per-client cap before it began. */
  enum Closed { OTHERWISE, SLOW, REFUSED }

  /** What the guard does with a stream it closes. */
  interface Closer {
    void closeSlow(Status status);
  }

  /**
   * @param onClosed told of every stream's end: its status, and who ended it
   */
  SlowMessageGuard(Duration limit, InflightBudget budget, java.util.function.BiConsumer<Status, Closed> onClosed) {
    this(limit, budget, onClosed, System::nanoTime, true);
  }

  /** @param schedule whether a timer checks; tests call {@link #check} themselves */
  SlowMessageGuard(Duration limit, InflightBudget budget, java.util.function.BiConsumer<Status, Closed> onClosed,
      LongSupplier nanoTime, boolean schedule) {
    this.onClosed = onClosed;
    this.limitNanos = limit.toNanos();
    this.budget = budget;
    this.nanoTime = nanoTime;
    if (schedule) {
      timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "als-slow-message-guard");
        t.setDaemon(true);
        return t;
      });
      long period = Math.max(100, Math.min(1_000, limit.toMillis() / 4));
      timer.scheduleWithFixedDelay(this::check, period, period, TimeUnit.MILLISECONDS);
    } else {
      timer = null;
    }
  }

  /** One stream's message clock. */
  final class Watch extends ServerStreamTracer {
    /** When the message in progress started; 0 when none is. */
    private volatile long startedAt;
    private volatile Closer closer;
    private volatile Closed closedBy = Closed.OTHERWISE;

    @Override
    public Context filterContext(Context context) {
      return context.withValue(WATCH, this);
    }

    @Override
    public void inboundMessage(int seqNo) {
      startedAt = nonZero(nanoTime.getAsLong());
    }

    @Override
    public void inboundMessageRead(int seqNo, long wireSize, long uncompressedSize) {
      startedAt = 0;
    }

    @Override
    public void streamClosed(Status status) {
      open.remove(this);
      onClosed.accept(status, closedBy);
    }

    /** The stream was refused before it began ({@link StreamsPerClient}): its end is not a message's fault. */
    void refused() {
      closedBy = Closed.REFUSED;
    }

    /** The stream the handler made for this call: what the guard closes. */
    void attach(Closer closer) {
      this.closer = closer;
    }
  }

  /** A tracer per stream, registered until the stream closes. */
  Watch watch(String fullMethodName, Metadata headers) {
    Watch w = new Watch();
    open.add(w);
    return w;
  }

  /** Closes the streams whose message is over the limit; returns how many. */
  int check() {
    long now = nanoTime.getAsLong();
    if (budget.waitingStreams() > 0) {
      for (Watch w : open) {
        if (w.startedAt != 0) {
          w.startedAt = nonZero(now);
        }
      }
      return 0;
    }
    int closed = 0;
    for (Watch w : open) {
      long started = w.startedAt;
      Closer closer = w.closer;
      if (started != 0 && now - started > limitNanos && closer != null) {
        w.startedAt = 0;
        w.closedBy = Closed.SLOW;
        closer.closeSlow(Status.RESOURCE_EXHAUSTED.withDescription("a message took more than "
            + TimeUnit.NANOSECONDS.toSeconds(limitNanos) + " s to arrive after its first bytes"));
        closed++;
      }
    }
    return closed;
  }

  int openStreams() {
    return open.size();
  }

  private static long nonZero(long t) {
    return t == 0 ? 1 : t;
  }

  @Override
  public void close() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}
