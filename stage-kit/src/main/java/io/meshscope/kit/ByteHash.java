package io.meshscope.kit;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A quick hash of a byte range for the memos that look values up by their bytes (reporters in the
 * analyzer, peer metadata in the receiver): eight bytes a step, where a byte at a time was a tenth
 * of reading a record. Not keyed: a memo must stay correct, and bounded, under forged collisions.
 */
public final class ByteHash {
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private ByteHash() {}

  public static int of(byte[] data, int from, int to) {
    long h = to - from;
    int i = from;
    for (; i + 8 <= to; i += 8) {
      h = (h ^ (long) LONGS.get(data, i)) * 0x9E3779B97F4A7C15L;
    }
    for (; i < to; i++) {
      h = (h ^ data[i]) * 0x9E3779B97F4A7C15L;
    }
    // A multiply carries differences only upwards; mix them back down into the low bits.
    h ^= h >>> 33;
    h *= 0xFF51AFD7ED558CCDL;
    h ^= h >>> 33;
    return (int) h;
  }
}
