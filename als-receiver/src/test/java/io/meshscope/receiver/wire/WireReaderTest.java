package io.meshscope.receiver.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** WireReader against protobuf-java's CodedInputStream on the same bytes. */
class WireReaderTest {

  /** The varints read in a row until the first refusal, and whether there was one. */
  private record Outcome(List<Long> values, boolean refused) {}

  @Test
  void varintsReadAsProtobufJavaReadsThemAtEveryDistanceFromTheEnd() throws Exception {
    Random r = new Random(5);
    int refused = 0;
    for (int i = 0; i < 50_000; i++) {
      byte[] bytes = new byte[1 + r.nextInt(24)];
      for (int k = 0; k < bytes.length; k++) {
        // Mostly continuation bytes, so that every varint length up to and past ten comes up.
        bytes[k] = (byte) (r.nextInt(3) == 0 ? r.nextInt(128) : 128 + r.nextInt(128));
      }
      // Inside a sub-message that ends before the bytes do, as a port ends an address.
      int window = 1 + r.nextInt(bytes.length);
      boolean wide = r.nextBoolean();
      Outcome expected = canonical(bytes, viaProtobufJava(bytes, window, wide));
      Outcome actual = canonical(bytes, viaWireReader(bytes, window, wide));
      assertEquals(expected, actual, "case " + i);
      refused += actual.values().isEmpty() ? 1 : 0;
    }
    // Both outcomes must be common, or the comparison proves little.
    assertTrue(refused > 5_000 && refused < 45_000, "first read refused " + refused + " times");
  }

  /**
   * A varint's tenth byte gives its bit 63 (the protobuf encoding), which is how WireReader reads it
   * and how protobuf-java's slow path does. Its fast path, taken when ten bytes are left in the
   * message, sets bit 63 for any tenth byte. Both agree on the tenth byte an encoder writes (1);
   * for another one, bit 63 is left out of the comparison.
   */
  private static Outcome canonical(byte[] bytes, Outcome read) {
    List<Long> values = new ArrayList<>();
    int start = 0;
    for (long value : read.values()) {
      int end = start;
      while (bytes[end] < 0) {
        end++;
      }
      boolean tenBytes = end - start == 9;
      values.add(tenBytes && bytes[end] != 1 ? value & Long.MAX_VALUE : value);
      start = end + 1;
    }
    return new Outcome(values, read.refused());
  }

  private static Outcome viaProtobufJava(byte[] bytes, int window, boolean wide) throws Exception {
    CodedInputStream in = CodedInputStream.newInstance(bytes);
    in.pushLimit(window);
    List<Long> values = new ArrayList<>();
    try {
      for (int k = 0; k < 3; k++) {
        values.add(wide ? in.readRawVarint64() : in.readRawVarint32());
      }
      return new Outcome(values, false);
    } catch (InvalidProtocolBufferException e) {
      return new Outcome(values, true);
    }
  }

  private static Outcome viaWireReader(byte[] bytes, int window, boolean wide) throws Exception {
    WireReader in = new WireReader(bytes, 0, bytes.length, null);
    in.pushLimit(window);
    List<Long> values = new ArrayList<>();
    try {
      for (int k = 0; k < 3; k++) {
        values.add(wide ? in.readRawVarint64() : (long) in.readRawVarint32());
      }
      return new Outcome(values, false);
    } catch (InvalidProtocolBufferException e) {
      return new Outcome(values, true);
    }
  }

  @Test
  void groupsNestAtMostAHundredDeepAsInProtobufJava() throws Exception {
    assertEquals(skipsWithProtobufJava(nestedGroups(99)), skipsWithWireReader(nestedGroups(99)));
    assertTrue(skipsWithWireReader(nestedGroups(99)), "99 levels are read");
    assertEquals(skipsWithProtobufJava(nestedGroups(101)), skipsWithWireReader(nestedGroups(101)));
    assertTrue(!skipsWithWireReader(nestedGroups(101)), "101 levels are refused");
  }

  /** Field 1 as a group holding itself {@code depth} times. */
  private static byte[] nestedGroups(int depth) {
    byte[] bytes = new byte[2 * depth];
    for (int i = 0; i < depth; i++) {
      bytes[i] = 1 << 3 | 3;
      bytes[2 * depth - 1 - i] = 1 << 3 | 4;
    }
    return bytes;
  }

  private static boolean skipsWithProtobufJava(byte[] bytes) throws Exception {
    CodedInputStream in = CodedInputStream.newInstance(bytes);
    try {
      in.skipField(in.readTag());
      return true;
    } catch (InvalidProtocolBufferException e) {
      return false;
    }
  }

  private static boolean skipsWithWireReader(byte[] bytes) throws Exception {
    WireReader in = new WireReader(bytes, 0, bytes.length, null);
    try {
      in.skipField(in.readTag());
      return true;
    } catch (InvalidProtocolBufferException e) {
      return false;
    }
  }

  @Test
  void aSubMessageLongerThanWhatEnclosesItIsRefusedWhenEntered() {
    WireReader in = new WireReader(new byte[] {5, 1, 2}, 0, 3, null);
    assertThrows(InvalidProtocolBufferException.class, () -> in.pushLimit(in.readRawVarint32()));
  }

  @Test
  void aStringOfInvalidUtf8IsRefusedAndARealReplacementCharacterIsNot() throws Exception {
    byte[] invalid = {3, 'a', (byte) 0xC3, 'b'};
    assertThrows(InvalidProtocolBufferException.class,
        () -> new WireReader(invalid, 0, invalid.length, null).readStringRequireUtf8());
    byte[] replacement = {4, 'a', (byte) 0xEF, (byte) 0xBF, (byte) 0xBD};
    assertEquals("a\uFFFD", new WireReader(replacement, 0, replacement.length, null).readStringRequireUtf8());
    byte[] surrogate = {3, (byte) 0xED, (byte) 0xA0, (byte) 0x80};
    assertThrows(InvalidProtocolBufferException.class,
        () -> new WireReader(surrogate, 0, surrogate.length, null).readStringRequireUtf8());
  }
}
