package io.meshscope.analyzer.streams;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes an unreadable record into its dead letter: the bytes unchanged, with why and where from in
 * headers ({@code meshscope.error}, {@code meshscope.source.topic}, {@code .partition}, {@code .offset}).
 */
final class DeadLetters {

  static final String ERROR = "meshscope.error";
  private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

  private long count;

  /**
   * @param wallClock when the letter is written: the dead-letter topic's retention counts from its
   *     timestamp, and a letter stamped with the stream's event time during a replay of old logs
   *     would be deleted before anyone looked at it
   */
  Record<String, Outcome> letter(Record<String, Incoming> record, Optional<RecordMetadata> source, long wallClock) {
    Headers headers = new RecordHeaders(record.headers().toArray());
    headers.add(ERROR, record.value().error().getBytes(StandardCharsets.UTF_8));
    source.ifPresent(m -> {
      headers.add("meshscope.source.topic", m.topic().getBytes(StandardCharsets.UTF_8));
      headers.add("meshscope.source.partition", String.valueOf(m.partition()).getBytes(StandardCharsets.UTF_8));
      headers.add("meshscope.source.offset", String.valueOf(m.offset()).getBytes(StandardCharsets.UTF_8));
    });
    count++;
    if (count == 1 || count % 1000 == 0) {
      log.warn("dead-lettered {} unreadable access records so far; latest: {}", count, record.value().error());
    }
    return new Record<>(record.key(), new Outcome.DeadLetter(record.value().raw()), wallClock, headers);
  }
}
