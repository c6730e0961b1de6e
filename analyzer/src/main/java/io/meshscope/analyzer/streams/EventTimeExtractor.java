package io.meshscope.analyzer.streams;

import io.meshscope.analyzer.domain.EventTime;
import io.meshscope.schemas.AccessRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Event time drives aging, so replaying old logs gives the answer live traffic gave.
 *
 * <p>A record without an event time (unreadable, bound for the dead letters) keeps the partition's
 * time: its Kafka timestamp is the receiver's wall clock, and taking it would move stream time to
 * today in the middle of a replay and age out every graph built from it. Only the first record of
 * a partition, with no time to keep, falls back to its own timestamp.
 */
public final class EventTimeExtractor implements TimestampExtractor {
  @Override
  public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
    if (record.value() instanceof AccessRecord r) {
      return EventTime.of(r).toEpochMilli();
    }
    if (record.value() instanceof Incoming in && in.readable()) {
      return EventTime.of(in.record()).toEpochMilli();
    }
    if (partitionTime >= 0) {
      return partitionTime;
    }
    return Math.max(record.timestamp(), 0);
  }
}
