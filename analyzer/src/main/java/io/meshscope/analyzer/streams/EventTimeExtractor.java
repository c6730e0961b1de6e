package io.meshscope.analyzer.streams;

import io.meshscope.analyzer.domain.EventTime;
import io.meshscope.schemas.AccessRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/** Event time drives aging, so replaying old logs gives the answer live traffic gave. */
public final class EventTimeExtractor implements TimestampExtractor {
  @Override
  public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
    if (record.value() instanceof AccessRecord r) {
      return EventTime.of(r).toEpochMilli();
    }
    if (record.value() instanceof Incoming in && in.readable()) {
      return EventTime.of(in.record()).toEpochMilli();
    }
    return record.timestamp() >= 0 ? record.timestamp() : Math.max(partitionTime, 0);
  }
}
