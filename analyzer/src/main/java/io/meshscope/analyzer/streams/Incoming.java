package io.meshscope.analyzer.streams;

import io.meshscope.analyzer.codec.AccessRecordReader;
import io.meshscope.schemas.AccessRecord;
import io.meshscope.schemas.JsonSerde;
import io.meshscope.schemas.MalformedRecordException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * An access-log record as it came off the topic, with its bytes: read (without the fields no edge
 * rule reads), or unreadable with the reason. Reading never throws, so a poison record is routed to
 * the dead-letter topic inside the topology, where a test can see it, instead of by an exception
 * handler. Written out again, it is its bytes: the record as read lacks the skipped fields.
 */
record Incoming(AccessRecord record, byte[] raw, String error) {

  boolean readable() {
    return record != null;
  }

  static Serde<Incoming> serde() {
    JsonSerde<AccessRecord> json = AccessRecordReader.serde();
    Deserializer<Incoming> read = (topic, data) -> {
      if (data == null) {
        return new Incoming(null, null, "null value");
      }
      try {
        return new Incoming(json.deserialize(topic, data), data, null);
      } catch (MalformedRecordException e) {
        return new Incoming(null, data, e.getMessage());
      }
    };
    Serializer<Incoming> write = (topic, value) -> value.raw();
    return Serdes.serdeFrom(write, read);
  }
}
