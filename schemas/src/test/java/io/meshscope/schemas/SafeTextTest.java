package io.meshscope.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SafeTextTest {

  @Test
  void everyCharacterIsJudgedByIsControlAtAnyPlaceInStringsOfAnyLength() {
    Random r = new Random(17);
    for (int c = 0; c <= 0xFFFF; c++) {
      // Short and long strings, on both sides of the length where the check stops copying.
      int length = switch (c % 4) {
        case 0 -> 1;
        case 1 -> 1 + r.nextInt(300);
        case 2 -> 250 + r.nextInt(600);
        default -> c % 64 == 3 ? 4_000 + r.nextInt(200) : 1 + r.nextInt(40);
      };
      char[] text = "a".repeat(length).toCharArray();
      text[r.nextInt(length)] = (char) c;
      assertEquals(SafeText.isControl((char) c), SafeText.hasControl(new String(text)), "U+" + Integer.toHexString(c));
    }
  }

  @Test
  void stringsPastTheCopyingLengthAreCheckedToTheirLastCharacter() {
    assertTrue(SafeText.hasControl("x".repeat(5000) + "\n"));
    assertTrue(SafeText.hasControl("\u2028" + "x".repeat(5000)));
    assertFalse(SafeText.hasControl("x".repeat(5000)));
    assertFalse(SafeText.hasControl(""));
  }
}
