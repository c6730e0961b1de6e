package io.meshscope.receiver.grpc;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounds the entries taken from gRPC streams but not yet acknowledged by Kafka. A stream that finds
 * the budget spent stops asking gRPC for its next message until acknowledgements free room; gRPC's
 * flow control then pushes back on Envoy, which buffers and finally drops on its side. Memory stays
 * bounded by this budget plus one message per open stream.
 */
public final class InflightBudget {
  private final long max;
  private final AtomicLong inflight = new AtomicLong();
  private final Queue<Runnable> waiting = new ConcurrentLinkedQueue<>();

  public InflightBudget(long max) {
    if (max < 1) {
      throw new IllegalArgumentException("the in-flight budget must be at least 1, was " + max);
    }
    this.max = max;
  }

  public void take(long n) {
    inflight.addAndGet(n);
  }

  public void release(long n) {
    if (inflight.addAndGet(-n) < max) {
      drain();
    }
  }

  /** Runs {@code resume} now if there is room, else as soon as there is. */
  public void whenRoom(Runnable resume) {
    if (inflight.get() < max) {
      resume.run();
      return;
    }
    waiting.add(resume);
    // A release may have happened between the check and the add: look again.
    if (inflight.get() < max) {
      drain();
    }
  }

  public long inflight() {
    return inflight.get();
  }

  public int waitingStreams() {
    return waiting.size();
  }

  private void drain() {
    Runnable next;
    while (inflight.get() < max && (next = waiting.poll()) != null) {
      next.run();
    }
  }
}
