package io.meshscope.analyzer.streams;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends an unreadable record to the dead-letter topic unchanged, with why and where from in headers
 * ({@code meshscope.error}, {@code meshscope.source.topic}, {@code .partition}, {@code .offset}).
 */
final class DeadLetterProcessor implements Processor<String, Incoming, String, byte[]> {

  static final String ERROR = "meshscope.error";
  private static final Logger log = LoggerFactory.getLogger(DeadLetterProcessor.class);

  private ProcessorContext<String, byte[]> context;
  private long count;

  @Override
  public void init(ProcessorContext<String, byte[]> context) {
    this.context = context;
  }

  @Override
  public void process(Record<String, Incoming> record) {
    Headers headers = new RecordHeaders(record.headers().toArray());
    headers.add(ERROR, record.value().error().getBytes(StandardCharsets.UTF_8));
    context.recordMetadata().ifPresent(m -> {
      headers.add("meshscope.source.topic", m.topic().getBytes(StandardCharsets.UTF_8));
      headers.add("meshscope.source.partition", String.valueOf(m.partition()).getBytes(StandardCharsets.UTF_8));
      headers.add("meshscope.source.offset", String.valueOf(m.offset()).getBytes(StandardCharsets.UTF_8));
    });
    count++;
    if (count == 1 || count % 1000 == 0) {
      log.warn("dead-lettered {} unreadable access records so far; latest: {}", count, record.value().error());
    }
    context.forward(new Record<>(record.key(), record.value().raw(), record.timestamp(), headers));
  }
}
