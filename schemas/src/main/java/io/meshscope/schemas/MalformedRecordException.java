package io.meshscope.schemas;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A Kafka record whose value is not a valid meshscope record. Thrown instead of returning null, so a
 * consumer can dead-letter the record with this message as the reason.
 */
public final class MalformedRecordException extends SerializationException {
  private static final long serialVersionUID = 1L;

  private final String type;
  private final String topic;

  public MalformedRecordException(String type, String topic, String detail, Throwable cause) {
    super("cannot read " + type + " from topic '" + topic + "': " + detail, cause);
    this.type = type;
    this.topic = topic;
  }

  public String type() {
    return type;
  }

  public String topic() {
    return topic;
  }
}
