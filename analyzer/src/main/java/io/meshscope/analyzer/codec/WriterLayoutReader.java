package io.meshscope.analyzer.codec;

import io.meshscope.analyzer.codec.AccessRecordReader.Field;
import io.meshscope.analyzer.codec.AccessRecordReader.Kind;
import io.meshscope.analyzer.codec.AccessRecordReader.NotPlain;
import io.meshscope.schemas.AccessRecord;
import io.meshscope.schemas.Json;
import io.meshscope.schemas.Reporter;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads an {@link AccessRecord} laid out byte for byte as the receiver's writer writes it (which is
 * how Jackson's bean serializer writes it, a receiver test checks): fields
 * in table order, no whitespace, no nulls, ASCII strings without escapes, plain integers. That is
 * every record the receiver writes for ordinary traffic, and reading it needs no tokenizer: Jackson's
 * streaming parser was a third of the analyzer's stream threads. At the first byte that is not
 * where the layout puts it (another writer, an escape, non-ASCII text, an unknown field) it gives up
 * with {@link NotPlain}, and Jackson's bean reader decides; a test holds both to the same answers.
 * Not thread-safe: one per record.
 */
final class WriterLayoutReader {

  private static final NotPlain NOT_PLAIN = new NotPlain();
  private static final int MAX_STRING = Json.mapper().getFactory().streamReadConstraints().getMaxStringLength();
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private final byte[] data;
  private final AccessRecordReader.ReporterMemo memo;
  private int pos;

  private WriterLayoutReader(byte[] data, AccessRecordReader.ReporterMemo memo) {
    this.data = data;
    this.memo = memo;
  }

  /**
   * The record, or NotPlain. A reporter not yet in {@code memo} is read, and kept there if it is at
   * least {@link AccessRecordReader.ReporterMemo#PREFIX} bytes long.
   */
  static AccessRecord read(byte[] data, AccessRecordReader.ReporterMemo memo) throws NotPlain {
    WriterLayoutReader r = new WriterLayoutReader(data, memo);
    try {
      AccessRecord record = AccessRecordReader.record(r.object(AccessRecordReader.RECORD));
      if (r.pos != data.length) {
        throw NOT_PLAIN;
      }
      return record;
    } catch (RuntimeException e) {
      // Ran off the end, or a value the records' constructors or Instant refuse: the bean reader
      // gives the answer and the message.
      throw NOT_PLAIN;
    }
  }

  /** {@code {"name":value,...}} with the table's fields in order, each at most once, none unknown. */
  private Object[] object(Field[] fields) throws NotPlain {
    expect('{');
    Object[] values = new Object[fields.length];
    boolean first = true;
    for (int i = 0; i < fields.length && data[pos] != '}'; i++) {
      if (!name(fields[i], first)) {
        continue;
      }
      first = false;
      values[i] = value(fields[i].kind());
    }
    expect('}');
    return values;
  }

  /** Whether the next member is the field's; consumes its name, separator and colon if so. */
  private boolean name(Field field, boolean first) {
    int at = first ? pos : pos + 1;
    if (!first && data[pos] != ',') {
      return false;
    }
    byte[] key = field.key();
    int n = key.length;
    int end = at + n;
    // The first letter first: most tries are for fields the record does not have.
    if (end > data.length || data[at + 1] != key[1]) {
      return false;
    }
    // Then a word at a time: a call to Arrays.equals for each of a record's two dozen keys was the
    // reader's largest single cost.
    long[] words = field.words();
    if (n < 8) {
      long mask = (1L << (8 * n)) - 1;
      if (at + 8 <= data.length ? ((long) LONGS.get(data, at) & mask) != words[0]
          : !Arrays.equals(data, at, end, key, 0, n)) {
        return false;
      }
    } else {
      int last = words.length - 1;
      for (int i = 0; i < last; i++) {
        if ((long) LONGS.get(data, at + 8 * i) != words[i]) {
          return false;
        }
      }
      if ((long) LONGS.get(data, end - 8) != words[last]) {
        return false;
      }
    }
    pos = end;
    return true;
  }

  private Object value(Kind kind) throws NotPlain {
    return switch (kind) {
      case STRING -> string();
      case INT -> integer();
      case LONG -> number();
      case INSTANT -> AccessRecordReader.instant(string());
      case STRINGS -> strings();
      case MAP -> map();
      case REPORTER -> reporter();
      case WORKLOAD -> AccessRecordReader.build(kind, object(AccessRecordReader.WORKLOAD));
      case CLUSTER -> AccessRecordReader.build(kind, object(AccessRecordReader.CLUSTER));
      case REQUEST -> AccessRecordReader.build(kind, object(AccessRecordReader.REQUEST));
      case PEER -> AccessRecordReader.build(kind, object(AccessRecordReader.PEER));
    };
  }

  /** A string of printable ASCII without escapes; anything else is left to Jackson. */
  private String string() throws NotPlain {
    int start = text();
    return new String(data, start, pos - 1 - start, StandardCharsets.ISO_8859_1);
  }

  /** Reads past a string as {@link #string} would read it; returns where its text starts. */
  private int text() throws NotPlain {
    expect('"');
    // Locals, not fields, in the loops: the JIT keeps them in registers.
    byte[] d = data;
    int start = pos;
    int p = start;
    // Eight bytes a step while none of them is a quote, a backslash, a control or a non-ASCII byte
    // (the usual bit tricks: a byte's top bit is set in the mask if it is below the constant's).
    for (; p + 8 <= d.length; p += 8) {
      long w = (long) LONGS.get(d, p);
      long quote = w ^ 0x2222222222222222L;
      long backslash = w ^ 0x5C5C5C5C5C5C5C5CL;
      long stop = ((quote - 0x0101010101010101L) & ~quote) | ((backslash - 0x0101010101010101L) & ~backslash)
          | ((w - 0x2020202020202020L) & ~w) | w;
      if ((stop & 0x8080808080808080L) != 0) {
        break;
      }
    }
    byte b;
    while ((b = d[p]) != '"') {
      if (b < 0x20 || b == '\\') { // negative: a UTF-8 byte
        throw NOT_PLAIN;
      }
      p++;
    }
    if (p - start > MAX_STRING) {
      throw NOT_PLAIN; // Jackson refuses it: let it say so
    }
    pos = p + 1;
    return start;
  }

  /** An integer as JSON writes it (no leading zeros, no fraction or exponent) that fits a long. */
  private long number() throws NotPlain {
    int start = pos;
    boolean negative = data[pos] == '-';
    if (negative) {
      pos++;
    }
    int first = pos;
    long v = 0;
    byte b;
    while ((b = data[pos]) >= '0' && b <= '9') {
      v = v * 10 + (b - '0');
      pos++;
    }
    int digits = pos - first;
    if (digits == 0 || (digits > 1 && data[first] == '0') || (b != ',' && b != '}')) {
      throw NOT_PLAIN;
    }
    if (digits > 18) {
      // Could have overflowed: parse it again with the bounds checked.
      try {
        return Long.parseLong(new String(data, start, pos - start, StandardCharsets.ISO_8859_1));
      } catch (NumberFormatException e) {
        throw NOT_PLAIN;
      }
    }
    return negative ? -v : v;
  }

  /** An integer in an int's range, as Jackson's rules for an int field demand. */
  private int integer() throws NotPlain {
    long v = number();
    if (v != (int) v) {
      throw NOT_PLAIN;
    }
    return (int) v;
  }

  private List<String> strings() throws NotPlain {
    expect('[');
    if (data[pos] == ']') {
      pos++;
      return List.of();
    }
    // Lists of none or one (response flags nearly always) are made immutable here: the record's
    // constructor copies any other list, and that copy was 3% of the analyzer's stream threads.
    String first = string();
    if (data[pos] == ']') {
      pos++;
      return List.of(first);
    }
    List<String> out = new ArrayList<>();
    out.add(first);
    while (data[pos] == ',') {
      pos++;
      out.add(string());
    }
    expect(']');
    return out;
  }

  private Map<String, String> map() throws NotPlain {
    expect('{');
    Map<String, String> out = new TreeMap<>();
    if (data[pos] != '}') {
      do {
        if (out.size() > 0) {
          pos++; // the comma
        }
        String key = string();
        expect(':');
        if (out.put(key, string()) != null) {
          throw NOT_PLAIN; // a repeated key: the bean reader decides what it means
        }
      } while (data[pos] == ',');
    }
    expect('}');
    return out;
  }

  /**
   * The reporter from the memo, found by the bytes where it starts: no scan for its end. One the
   * memo does not hold is read here and kept, if it is long enough to be found by its own first
   * bytes (a shorter one's lookup hash takes in the bytes after it, which differ per record).
   */
  private Reporter reporter() throws NotPlain {
    int from = pos;
    int hash = AccessRecordReader.ReporterMemo.prefixHash(data, from, data.length);
    int slot = memo.startingAt(data, from, hash);
    if (slot >= 0) {
      pos += memo.length(slot);
      return memo.value(slot);
    }
    Reporter reporter = (Reporter) AccessRecordReader.build(Kind.REPORTER,
        object(AccessRecordReader.REPORTER));
    if (pos - from >= AccessRecordReader.ReporterMemo.PREFIX) {
      memo.put(data, from, pos, hash, reporter);
    }
    return reporter;
  }

  private void expect(char c) throws NotPlain {
    if (data[pos] != c) {
      throw NOT_PLAIN;
    }
    pos++;
  }
}
