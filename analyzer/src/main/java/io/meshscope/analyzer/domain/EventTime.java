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
    Instant latest = r.receivedAt().plus(MAX_SKEW);
    Instant t = r.startTime().isAfter(latest) ? r.receivedAt() : r.startTime();
    return t.isBefore(Instant.EPOCH) ? r.receivedAt() : t;
  }
}
