package io.meshscope.analyzer.streams;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Arrays;

/**
 * The bytes of the analyzer's internal records (graph state, observations on the repartition
 * topic): lengths and numbers as varints, strings as UTF-8, instants as seconds and nanos.
 * Nothing outside the analyzer reads these; the topics people and tools read stay JSON.
 */
final class BinaryCodec {
  private BinaryCodec() {}

  /** Raised on bytes that do not decode; the serde turns it into a record-level error. */
  static final class CorruptException extends RuntimeException {
    CorruptException(String message) {
      super(message);
    }
  }

  static final class Writer {
    private byte[] buf = new byte[256];
    private int pos;

    byte[] toByteArray() {
      return Arrays.copyOf(buf, pos);
    }

    private void ensure(int n) {
      if (pos + n > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
      }
    }

    Writer writeByte(int b) {
      ensure(1);
      buf[pos++] = (byte) b;
      return this;
    }

    Writer writeBoolean(boolean b) {
      return writeByte(b ? 1 : 0);
    }

    /** Zig-zag varint: small magnitudes of either sign take few bytes. */
    Writer writeLong(long v) {
      long z = (v << 1) ^ (v >> 63);
      ensure(10);
      while ((z & ~0x7FL) != 0) {
        buf[pos++] = (byte) ((z & 0x7F) | 0x80);
        z >>>= 7;
      }
      buf[pos++] = (byte) z;
      return this;
    }

    Writer writeInt(int v) {
      return writeLong(v);
    }

    /**
     * Length + 1 as a varint (0 is null), then UTF-8. A string with an unpaired surrogate (logged
     * text can hold one) would not survive UTF-8, so it goes as UTF-16 code units, its length
     * negated.
     */
    Writer writeString(String s) {
      if (s == null) {
        return writeLong(0);
      }
      if (hasUnpairedSurrogate(s)) {
        writeLong(-(s.length() + 1L));
        ensure(2 * s.length());
        for (int i = 0; i < s.length(); i++) {
          char c = s.charAt(i);
          buf[pos++] = (byte) (c >>> 8);
          buf[pos++] = (byte) c;
        }
        return this;
      }
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      writeLong(b.length + 1L);
      ensure(b.length);
      System.arraycopy(b, 0, buf, pos, b.length);
      pos += b.length;
      return this;
    }

    /** Presence, then seconds and nanos. */
    Writer writeInstant(Instant t) {
      if (t == null) {
        return writeBoolean(false);
      }
      writeBoolean(true);
      writeLong(t.getEpochSecond());
      return writeInt(t.getNano());
    }
  }

  static boolean hasUnpairedSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return true;
      }
    }
    return false;
  }

  static final class Reader {
    private final byte[] buf;
    private int pos;

    Reader(byte[] buf, int start) {
      this.buf = buf;
      this.pos = start;
    }

    boolean atEnd() {
      return pos == buf.length;
    }

    int readByte() {
      if (pos >= buf.length) {
        throw new CorruptException("truncated at byte " + pos + " of " + buf.length);
      }
      return buf[pos++] & 0xFF;
    }

    boolean readBoolean() {
      int b = readByte();
      if (b > 1) {
        throw new CorruptException("not a boolean at byte " + (pos - 1) + ": " + b);
      }
      return b == 1;
    }

    long readLong() {
      long z = 0;
      for (int shift = 0; shift < 70; shift += 7) {
        int b = readByte();
        z |= (long) (b & 0x7F) << shift;
        if ((b & 0x80) == 0) {
          return (z >>> 1) ^ -(z & 1);
        }
      }
      throw new CorruptException("varint longer than 10 bytes at byte " + pos);
    }

    int readInt() {
      long v = readLong();
      if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
        throw new CorruptException("int out of range at byte " + pos + ": " + v);
      }
      return (int) v;
    }

    /** A count of items to follow, each at least one byte: more than the bytes left is corrupt. */
    int readCount() {
      long n = readLong();
      if (n < 0 || n > buf.length - pos) {
        throw new CorruptException("count " + n + " at byte " + pos + " exceeds the " + (buf.length - pos)
            + " bytes left");
      }
      return (int) n;
    }

    String readString() {
      long n = readLong();
      if (n == 0) {
        return null;
      }
      if (n < 0) {
        long chars = -n - 1;
        if (chars > (buf.length - pos) / 2) {
          throw new CorruptException("string of " + chars + " chars at byte " + pos + " exceeds the "
              + (buf.length - pos) + " bytes left");
        }
        char[] out = new char[(int) chars];
        for (int i = 0; i < out.length; i++) {
          out[i] = (char) (((buf[pos] & 0xFF) << 8) | (buf[pos + 1] & 0xFF));
          pos += 2;
        }
        return new String(out);
      }
      if (n - 1 > buf.length - pos) {
        throw new CorruptException("string of " + (n - 1) + " bytes at byte " + pos + " exceeds the "
            + (buf.length - pos) + " bytes left");
      }
      String s = new String(buf, pos, (int) (n - 1), StandardCharsets.UTF_8);
      pos += (int) (n - 1);
      return s;
    }

    Instant readInstant() {
      if (!readBoolean()) {
        return null;
      }
      long seconds = readLong();
      int nanos = readInt();
      if (nanos < 0 || nanos > 999_999_999) {
        throw new CorruptException("nanos out of range at byte " + pos + ": " + nanos);
      }
      try {
        return Instant.ofEpochSecond(seconds, nanos);
      } catch (DateTimeException | ArithmeticException e) {
        throw new CorruptException("instant out of range at byte " + pos + ": " + e.getMessage());
      }
    }
  }
}
