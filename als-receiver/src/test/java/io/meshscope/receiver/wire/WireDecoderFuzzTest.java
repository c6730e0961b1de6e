package io.meshscope.receiver.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;

/**
 * The receiver's decoder against protobuf-java on arbitrary bytes (issue 17): both read the same
 * fields the same way, or the decoder refuses. It may accept what protobuf-java refuses only in the
 * fields it skips unread (docs/architecture.md, "Limits"); it never refuses what protobuf-java
 * reads, and it throws nothing but {@link InvalidProtocolBufferException}.
 *
 * <p>{@code mvn verify} runs it on the committed inputs under {@code WireDecoderFuzzTestInputs}
 * (real and constructed ALS messages, and every crash found); {@code bench/fuzz.sh} fuzzes it.
 */
class WireDecoderFuzzTest {

  @FuzzTest(maxDuration = "10m")
  void decodesAsProtobufJavaDoesOrRefuses(byte[] bytes) {
    WireDecoder.Batch ours;
    try {
      ours = WireDecoder.decode(bytes, 0, bytes.length);
    } catch (InvalidProtocolBufferException refused) {
      ours = null;
    }
    WireDecoder.Batch theirs;
    try {
      theirs = WireDecoderTest.viaProtobufJava(bytes);
    } catch (InvalidProtocolBufferException refused) {
      theirs = null;
    }
    if (theirs != null && ours == null) {
      fail("the decoder refused a message protobuf-java reads");
    }
    if (theirs != null) {
      assertEquals(theirs, ours, "the decoder and protobuf-java read the fields the receiver keeps differently");
    }
  }
}
