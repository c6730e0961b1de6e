package io.meshscope.analyzer.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.meshscope.schemas.AccessRecord;
import io.meshscope.schemas.JsonSerde;
import io.meshscope.schemas.MalformedRecordException;

/**
 * The analyzer's fast access-record reader against the plain bean reader on arbitrary bytes, the
 * values of a topic anyone with produce rights can write to (issue 17): both read the same record,
 * or both refuse it as a {@link MalformedRecordException}; nothing else escapes.
 *
 * <p>{@code mvn verify} runs it on the committed inputs under {@code AccessRecordReaderFuzzTestInputs}
 * (records the receiver wrote for the corpus's streams); {@code bench/fuzz.sh} fuzzes it.
 */
class AccessRecordReaderFuzzTest {

  private static final JsonSerde<AccessRecord> FAST = AccessRecordReader.serde();
  private static final JsonSerde<AccessRecord> BEANS = new JsonSerde<>(AccessRecord.class);

  @FuzzTest(maxDuration = "10m")
  void readsAsTheBeanReaderDoesOrRefuses(byte[] bytes) {
    assertEquals(outcome(BEANS, bytes), outcome(FAST, bytes));
  }

  private static String outcome(JsonSerde<AccessRecord> serde, byte[] bytes) {
    try {
      return "record " + serde.deserialize("t", bytes);
    } catch (MalformedRecordException e) {
      return "refused";
    }
  }
}
