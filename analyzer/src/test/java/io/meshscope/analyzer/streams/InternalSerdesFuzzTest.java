package io.meshscope.analyzer.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.meshscope.analyzer.domain.GraphState;
import io.meshscope.analyzer.domain.Observation;
import io.meshscope.schemas.MalformedRecordException;
import org.apache.kafka.common.serialization.Serde;

/**
 * The analyzer's binary state codec on any bytes (issue 17). The bytes are its own changelog and
 * repartition records, but a topic can hold anything a client with write access put there: a record
 * it cannot read is a {@link MalformedRecordException} (which the stream sends to the dead-letter
 * topic), never another exception or an allocation beyond the record; a value it reads is written
 * back to bytes that read as the same value.
 *
 * <p>{@code mvn verify} runs it on the committed inputs under {@code InternalSerdesFuzzTestInputs}
 * (states and observations the codec wrote); {@code bench/fuzz.sh} fuzzes it.
 */
class InternalSerdesFuzzTest {

  private static final Serde<GraphState> STATES = InternalSerdes.graphState();
  private static final Serde<Observation> OBSERVATIONS = InternalSerdes.observation();

  @FuzzTest(maxDuration = "10m")
  void readsAStateOrCallsItMalformed(byte[] bytes) {
    GraphState state;
    try {
      state = STATES.deserializer().deserialize("t", bytes);
    } catch (MalformedRecordException refused) {
      return;
    }
    if (state != null && bytes.length > 0 && bytes[0] != '{') {
      assertEquals(state, STATES.deserializer().deserialize("t", STATES.serializer().serialize("t", state)));
    }
  }

  @FuzzTest(maxDuration = "10m")
  void readsAnObservationOrCallsItMalformed(byte[] bytes) {
    Observation observation;
    try {
      observation = OBSERVATIONS.deserializer().deserialize("t", bytes);
    } catch (MalformedRecordException refused) {
      return;
    }
    if (observation != null && bytes.length > 0 && bytes[0] != '{') {
      assertEquals(observation,
          OBSERVATIONS.deserializer().deserialize("t", OBSERVATIONS.serializer().serialize("t", observation)));
    }
  }
}
