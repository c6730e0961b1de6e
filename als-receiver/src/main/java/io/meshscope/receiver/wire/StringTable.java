package io.meshscope.receiver.wire;

import io.meshscope.kit.ByteHash;
import java.util.Arrays;

/**
 * The strings one thread decoded lately, by their UTF-8 bytes: cluster names, authorities, IPs,
 * route names and the like come again in nearly every entry of a stream. A hit returns the same
 * String object, without decoding or allocating, and lets later stages keep what they derived from
 * it by identity. Direct-mapped and bounded: a forged flood of distinct values only evicts.
 */
public final class StringTable {
  /** Longer values are rarely repeated and cost more to compare than to decode. */
  static final int MAX_BYTES = 128;
  private static final int SLOTS = 1024;

  private final byte[][] keys;
  private final String[] values;
  private final int mask;

  public StringTable() {
    this(SLOTS);
  }

  /** A table of {@code slots} entries, a power of two: tests use a few, to make values collide. */
  StringTable(int slots) {
    if (Integer.bitCount(slots) != 1) {
      throw new IllegalArgumentException("slots must be a power of two: " + slots);
    }
    keys = new byte[slots][];
    values = new String[slots];
    mask = slots - 1;
  }

  /** The string for {@code bytes[from, to)}, or null when it is not in the table. */
  String get(byte[] bytes, int from, int to, int hash) {
    int slot = hash & mask;
    byte[] key = keys[slot];
    return key != null && Arrays.equals(key, 0, key.length, bytes, from, to) ? values[slot] : null;
  }

  void put(byte[] bytes, int from, int to, int hash, String value) {
    int slot = hash & mask;
    keys[slot] = Arrays.copyOfRange(bytes, from, to);
    values[slot] = value;
  }

  static int hash(byte[] bytes, int from, int to) {
    return ByteHash.of(bytes, from, to);
  }
}
