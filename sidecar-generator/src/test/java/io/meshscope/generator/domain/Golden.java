package io.meshscope.generator.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Compares generated text with a file under {@code src/test/resources/golden/}, whole. On a mismatch
 * the actual text goes to {@code target/golden-actual/} so a reviewer can diff and, when the change
 * is intended, copy it over the golden file.
 */
public final class Golden {
  private Golden() {}

  public static void assertMatches(String name, String actual) {
    String expected = read("/golden/" + name);
    if (!expected.equals(actual)) {
      try {
        Path out = Path.of("target", "golden-actual", name);
        Files.createDirectories(out.getParent());
        Files.writeString(out, actual, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    assertEquals(expected, actual, "golden/" + name + " (actual in target/golden-actual/" + name + ")");
  }

  public static String read(String resource) {
    try (InputStream in = Golden.class.getResourceAsStream(resource)) {
      assertNotNull(in, resource + " is on the test classpath");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
