package io.meshscope.kafka.test;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * Waits for a condition instead of for a time: a fixed sleep is either too short on a busy
 * two-core machine or wastes seconds everywhere else.
 */
public final class Await {
  private Await() {}

  /** A condition that may do I/O to find out. */
  @FunctionalInterface
  public interface Condition {
    boolean met() throws Exception;
  }

  private static final long POLL_MILLIS = 20;

  /**
   * Returns as soon as {@code condition} is met; fails with {@code seen} (what the test saw last)
   * when it is not within {@code timeout}.
   */
  public static void until(Duration timeout, Condition condition, Supplier<String> seen) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.met()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("not within " + timeout + ": " + seen.get());
      }
      Thread.sleep(POLL_MILLIS);
    }
  }
}
