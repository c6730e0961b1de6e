package io.meshscope.analyzer.domain;

import io.meshscope.schemas.AccessRecord;
import java.time.Duration;
import java.time.Instant;

/**
 * The event time of an access record: its {@code start_time}, bounded by when the receiver took it.
 * A forged start time far in the future would otherwise advance stream time and age every graph
 * out; one before 1970 would make Kafka Streams skip the record.
 */
public final class EventTime {
  /** Clock skew between proxies and the receiver that is still believed. */
  public static final Duration MAX_SKEW = Duration.ofMinutes(5);

  private EventTime() {}

  public static Instant of(AccessRecord r) {
    Instant start = r.startTime();
    Instant received = r.receivedAt();
    // received + MAX_SKEW in seconds and nanos, without making an Instant: this runs twice for
    // every record.
    long boundSeconds = received.getEpochSecond() + MAX_SKEW.getSeconds();
    int boundNanos = received.getNano() + MAX_SKEW.getNano();
    if (boundNanos >= 1_000_000_000) {
      boundSeconds++;
      boundNanos -= 1_000_000_000;
    }
    boolean tooLate = start.getEpochSecond() > boundSeconds
        || start.getEpochSecond() == boundSeconds && start.getNano() > boundNanos;
    Instant t = tooLate ? received : start;
    return t.getEpochSecond() < 0 ? received : t;
  }
}
