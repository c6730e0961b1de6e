package io.meshscope.schemas;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka serde for one meshscope record type, as UTF-8 JSON. A null payload (a tombstone on a
 * compacted topic) reads as null; any other payload either reads as a valid record or fails with a
 * {@link MalformedRecordException} that says why.
 */
public final class JsonSerde<T> implements Serde<T>, Serializer<T>, Deserializer<T> {

  private static final Logger log = LoggerFactory.getLogger(JsonSerde.class);
  private static final int PREVIEW_CHARS = 80;

  /** A faster reader for the common shape; on any failure the bean reader decides. */
  public interface FastReader<T> {
    T read(byte[] data) throws Exception;
  }

  /** A faster writer for the common shape; null when Jackson must write the value. */
  public interface FastWriter<T> {
    byte[] write(T value) throws IOException;
  }

  private final Class<T> type;
  private final ObjectReader reader;
  private final ObjectWriter writer;
  private final FastReader<T> fast;
  private final FastWriter<T> fastWriter;
  private final AtomicLong fastReaderMisses = new AtomicLong();

  public JsonSerde(Class<T> type) {
    this(type, null, null);
  }

  /**
   * With a stage's own codec in front of Jackson (either may be null): it must read and write the same
   * JSON, and Jackson decides whatever it leaves.
   */
  public JsonSerde(Class<T> type, FastReader<T> fast, FastWriter<T> fastWriter) {
    this.type = type;
    this.reader = Json.mapper().readerFor(type);
    this.writer = Json.mapper().writerFor(type);
    this.fast = fast;
    this.fastWriter = fastWriter;
  }

  public Class<T> type() {
    return type;
  }

  @Override
  public byte[] serialize(String topic, T value) {
    if (value == null) {
      return null;
    }
    try {
      byte[] bytes = fastWriter == null ? null : fastWriter.write(value);
      return bytes != null ? bytes : writer.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new SerializationException("cannot write " + type.getSimpleName() + " to topic '" + topic + "'", e);
    }
  }

  @Override
  public T deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    if (fast != null) {
      try {
        return fast.read(data);
      } catch (Exception notPlain) {
        // The bean reader below accepts it or says exactly why not. Counted, so that records that
        // all miss the fast path (a writer whose layout drifted) show as a count and not only as
        // slowness: logged at the 1st, 10th, 100th... miss.
        long n = fastReaderMisses.incrementAndGet();
        if (isPowerOfTen(n)) {
          log.info("{} {} record(s) of topic '{}' not in the fast reader's layout so far, read by Jackson instead "
              + "(slower, not wrong){}", n, type.getSimpleName(), topic, preview(data));
        }
      }
    }
    try {
      T value = reader.readValue(data);
      if (value == null) {
        throw new MalformedRecordException(type.getSimpleName(), topic, "payload is JSON null" + preview(data), null);
      }
      return value;
    } catch (ValueInstantiationException e) {
      // Our records validate in their constructors; that message names the field.
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new MalformedRecordException(type.getSimpleName(), topic, cause.getMessage() + preview(data), e);
    } catch (JsonMappingException e) {
      throw new MalformedRecordException(type.getSimpleName(), topic,
          e.getOriginalMessage() + " at " + jsonPath(e) + preview(data), e);
    } catch (JacksonException e) {
      throw new MalformedRecordException(type.getSimpleName(), topic, e.getOriginalMessage() + preview(data), e);
    } catch (IOException e) {
      throw new MalformedRecordException(type.getSimpleName(), topic, e.getMessage() + preview(data), e);
    }
  }

  /** Records the fast reader left to Jackson since this serde was made. */
  public long fastReaderMisses() {
    return fastReaderMisses.get();
  }

  private static boolean isPowerOfTen(long n) {
    while (n >= 10 && n % 10 == 0) {
      n /= 10;
    }
    return n == 1;
  }

  private static String jsonPath(JsonMappingException e) {
    StringBuilder path = new StringBuilder("$");
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        path.append('.').append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        path.append('[').append(ref.getIndex()).append(']');
      }
    }
    return path.toString();
  }

  /** Shows the start of the payload, escaped, so a log line stays one line and harmless. */
  static String preview(byte[] data) {
    String text = new String(data, 0, Math.min(data.length, PREVIEW_CHARS * 4), StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder("; payload of ").append(data.length).append(" bytes begins '");
    int shown = 0;
    for (int i = 0; i < text.length() && shown < PREVIEW_CHARS; i++, shown++) {
      SafeText.appendEscaped(out, text.charAt(i));
    }
    return out.append(data.length > shown ? "...'" : "'").toString();
  }

  @Override
  public Serializer<T> serializer() {
    return this;
  }

  @Override
  public Deserializer<T> deserializer() {
    return this;
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    // nothing to configure: one JSON format for every topic
  }

  @Override
  public void close() {
    // nothing to release: the mapper is shared
  }
}
