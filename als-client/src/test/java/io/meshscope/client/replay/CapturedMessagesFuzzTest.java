package io.meshscope.client.replay;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The capture reader on any file text (issue 17): captures come from other people's clusters, so a
 * bad one is a {@link CapturedMessages.BadCaptureException} naming the file and line, never another
 * exception, and a capture it accepts holds at least one message.
 *
 * <p>{@code mvn verify} runs it on the committed inputs under {@code CapturedMessagesFuzzTestInputs}
 * (the corpus's JSON and text captures); {@code bench/fuzz.sh} fuzzes it.
 */
class CapturedMessagesFuzzTest {

  private static final Path NAME = Path.of("fuzzed.capture");

  @FuzzTest(maxDuration = "10m")
  void readsACaptureOrSaysWhereItIsBad(byte[] bytes) {
    String text = new String(bytes, StandardCharsets.UTF_8);
    List<CapturedMessages.Captured> messages;
    try {
      messages = CapturedMessages.parse(NAME, text);
    } catch (CapturedMessages.BadCaptureException bad) {
      assertTrue(bad.getMessage().startsWith(NAME + ":"), "the error names the file: " + bad.getMessage());
      return;
    } catch (IOException other) {
      throw new AssertionError("an I/O error from text in memory", other);
    }
    assertFalse(messages.isEmpty(), "an accepted capture holds a message");
    for (CapturedMessages.Captured c : messages) {
      assertTrue(c.line() >= 1, "a message starts on a line of the file: " + c.line());
    }
  }
}
