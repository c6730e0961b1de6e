package io.meshscope.receiver.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Metadata;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** When a stream is closed for a slow message, and when it is not: the guard's rules, on a fake clock. */
class SlowMessageGuardTest {

  private static final long SECOND = 1_000_000_000L;

  private final AtomicLong now = new AtomicLong(1_000 * SECOND);
  private final InflightBudget budget = new InflightBudget(10);
  private final List<String> endings = new ArrayList<>();
  private final SlowMessageGuard guard = new SlowMessageGuard(Duration.ofSeconds(10), budget,
      (status, by) -> endings.add(status.getCode() + (by == SlowMessageGuard.Closed.SLOW ? " slow" : "")), now::get,
      false);

  private SlowMessageGuard.Watch stream(List<Status> closed) {
    SlowMessageGuard.Watch w = guard.watch("envoy.service.accesslog.v3.AccessLogService/StreamAccessLogs",
        new Metadata());
    w.attach(closed::add);
    return w;
  }

  @Test
  void aMessageUnfinishedPastTheLimitClosesItsStream() {
    List<Status> closed = new ArrayList<>();
    SlowMessageGuard.Watch w = stream(closed);
    w.inboundMessage(0);
    now.addAndGet(10 * SECOND);
    assertEquals(0, guard.check(), "at the limit, not past it");
    now.addAndGet(1);
    assertEquals(1, guard.check());
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, closed.get(0).getCode());
    assertTrue(closed.get(0).getDescription().contains("10 s"), closed.get(0).getDescription());
    assertEquals(0, guard.check(), "closed once");
    w.streamClosed(closed.get(0));
    assertEquals(List.of("RESOURCE_EXHAUSTED slow"), endings);
    assertEquals(0, guard.openStreams());
  }

  @Test
  void finishedMessagesAndStreamsWaitingForTheirNextOneAreNeverClosed() {
    List<Status> closed = new ArrayList<>();
    SlowMessageGuard.Watch w = stream(closed);
    w.inboundMessage(0);
    now.addAndGet(5 * SECOND);
    w.inboundMessageRead(0, 16_384, -1);
    now.addAndGet(60 * SECOND); // idle between messages, as Envoy is between flushes
    assertEquals(0, guard.check());
    w.inboundMessage(1);
    now.addAndGet(9 * SECOND);
    assertEquals(0, guard.check());
    assertEquals(List.of(), closed);
    w.streamClosed(Status.RESOURCE_EXHAUSTED);
    assertEquals(List.of("RESOURCE_EXHAUSTED"), endings, "a close that is not the guard's is not slow");
  }

  @Test
  void whileTheReceiverHoldsStreamsBackEveryClockStartsAgain() {
    List<Status> closed = new ArrayList<>();
    SlowMessageGuard.Watch w = stream(closed);
    w.inboundMessage(0);
    now.addAndGet(8 * SECOND);
    budget.take(10);
    budget.whenRoom(() -> { }); // a stream now waits for Kafka: backpressure
    assertEquals(0, guard.check());
    now.addAndGet(8 * SECOND); // 16 s after the message started, 8 s after the pause
    budget.release(10);
    assertEquals(0, guard.check(), "the time the receiver held streams back does not count");
    now.addAndGet(3 * SECOND);
    assertEquals(1, guard.check());
    assertEquals(1, closed.size());
  }
}
