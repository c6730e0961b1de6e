package io.meshscope.analyzer.codec;

import io.meshscope.kit.ByteHash;
import io.meshscope.schemas.AccessRecord;
import io.meshscope.schemas.HttpRequest;
import io.meshscope.schemas.JsonSerde;
import io.meshscope.schemas.PeerMetadata;
import io.meshscope.schemas.Reporter;
import io.meshscope.schemas.UpstreamCluster;
import io.meshscope.schemas.WorkloadRef;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The analyzer's reader of the access-log topic: records in the receiver's layout are read by
 * {@link WriterLayoutReader} without a tokenizer; every other record (another writer, an escape, non-ASCII text) is left
 * to Jackson's bean reader, which accepts or refuses it with its own messages. Jackson's reader took
 * three times the CPU per record in the analyzer's benchmark (docs/benchmarks.md, "Codecs"); the
 * records it is left are counted ({@link JsonSerde#fastReaderMisses}), so that a layout that drifts
 * from the writer's shows as a count, not only as slowness.
 */
public final class AccessRecordReader {

  /** Not an error in the record: only a sign that the bean deserializer must decide. */
  static final class NotPlain extends Exception {
    NotPlain() {
      super(null, null, false, false);
    }
  }

  // Per thread: Kafka Streams shares one deserializer among its stream threads.
  private final ThreadLocal<ReporterMemo> memos = ThreadLocal.withInitial(ReporterMemo::new);

  /** The access-log topic's serde with this reader in front of Jackson's. */
  public static JsonSerde<AccessRecord> serde() {
    return new JsonSerde<>(AccessRecord.class, new AccessRecordReader()::read, null);
  }

  AccessRecordReader() {}

  /** The record in the writer's layout, or NotPlain for Jackson to decide. */
  AccessRecord read(byte[] data) throws NotPlain {
    return WriterLayoutReader.read(data, memos.get());
  }

  /** This thread's memo. */
  ReporterMemo memo() {
    return memos.get();
  }

  /**
   * Reporters already read, by their exact bytes. Every record repeats its reporter (the receiver
   * writes the same bytes for all entries of a stream), and reading it was a third of reading a
   * record; looking it up costs a skip, a hash and a compare. Bounded, four-way set-associative: a
   * collision, even a forged one, only costs a read. With one way, a quarter of the reporters of a
   * partition with 2,500 workloads shared a slot with another and took turns evicting it, and their
   * records were read the slow way.
   */
  static final class ReporterMemo {
    static final int WAYS = 4;
    static final int SLOTS = 16384;
    static final int MAX_BYTES = 2048;
    // Bytes of keys kept; the Reporters they stand for take a few times more heap.
    static final int BUDGET_BYTES = 4 * 1024 * 1024;
    private final int[] hashes = new int[SLOTS];
    private final byte[][] keys = new byte[SLOTS][];
    private final Reporter[] values = new Reporter[SLOTS];
    private int bytes;
    private int victim;
    private int hand;
    long hits;

    /**
     * The slot bits come from the first {@link #PREFIX} bytes only, so that a reader can look a
     * reporter up where it starts, before it knows where it ends ({@link #startingAt}).
     */
    static final int PREFIX = 128;

    static int prefixHash(byte[] data, int from, int limit) {
      return ByteHash.of(data, from, Math.min(limit, from + PREFIX));
    }

    private static int set(int hash) {
      return hash & (SLOTS - WAYS);
    }

    /**
     * The slot of the reporter whose bytes start {@code data} at {@code from}, or -1. A kept key is
     * a whole JSON object, and an object ends where its bytes say: equal bytes are that object.
     */
    int startingAt(byte[] data, int from, int hash) {
      for (int slot = set(hash), end = slot + WAYS; slot < end; slot++) {
        byte[] key = keys[slot];
        if (key != null && hashes[slot] == hash && from + key.length <= data.length
            && Arrays.equals(key, 0, key.length, data, from, from + key.length)) {
          hits++;
          return slot;
        }
      }
      return -1;
    }

    int length(int slot) {
      return keys[slot].length;
    }

    Reporter value(int slot) {
      return values[slot];
    }

    Reporter get(byte[] data, int from, int to, int hash) {
      for (int slot = set(hash), end = slot + WAYS; slot < end; slot++) {
        byte[] key = keys[slot];
        if (key != null && hashes[slot] == hash && Arrays.equals(key, 0, key.length, data, from, to)) {
          hits++;
          return values[slot];
        }
      }
      return null;
    }

    /**
     * Keeps the reporter in a free way of its set, else in place of one taken in turn. Past the byte
     * budget, entries are evicted across the table in slot order until it fits: once the budget
     * is spent, reporters of pods that went away make room for new ones instead of holding it.
     */
    void put(byte[] data, int from, int to, int hash, Reporter reporter) {
      int length = to - from;
      if (length > MAX_BYTES) {
        return;
      }
      int set = set(hash);
      int slot = -1;
      for (int s = set; s < set + WAYS && slot < 0; s++) {
        if (keys[s] == null) {
          slot = s;
        }
      }
      if (slot < 0) {
        slot = set + (victim++ & (WAYS - 1));
      }
      int old = keys[slot] == null ? 0 : keys[slot].length;
      for (int scanned = 0; bytes - old + length > BUDGET_BYTES && scanned < SLOTS; scanned++) {
        int s = hand;
        hand = (hand + 1) & (SLOTS - 1);
        if (s != slot && keys[s] != null) {
          bytes -= keys[s].length;
          keys[s] = null;
          values[s] = null;
        }
      }
      if (bytes - old + length > BUDGET_BYTES) {
        return;
      }
      hashes[slot] = hash;
      keys[slot] = Arrays.copyOfRange(data, from, to);
      values[slot] = reporter;
      bytes += length - old;
    }

    int bytes() {
      return bytes;
    }
  }

  /** How a field's value is read. */
  enum Kind { STRING, INT, LONG, INSTANT, STRINGS, MAP, REPORTER, WORKLOAD, CLUSTER, REQUEST, PEER }

  /**
   * A field; {@code key} is its name as the writers put it before the value: {@code "name":}, and
   * {@code words} the key as little-endian words, for the layout reader to compare a key a word at
   * a time: the words at 0, 8, 16... and the last eight bytes (overlapping the one before), or for
   * a key under eight bytes the key in the low bytes of one word.
   */
  record Field(String name, Kind kind, byte[] key, long[] words) {
    Field(String name, Kind kind) {
      this(name, kind, ("\"" + name + "\":").getBytes(StandardCharsets.US_ASCII));
    }

    private Field(String name, Kind kind, byte[] key) {
      this(name, kind, key, words(key));
    }

    private static long[] words(byte[] key) {
      ByteBuffer b = ByteBuffer.wrap(Arrays.copyOf(key, Math.max(8, key.length)))
          .order(ByteOrder.LITTLE_ENDIAN);
      if (key.length <= 8) {
        return new long[] {b.getLong(0)};
      }
      long[] words = new long[(key.length + 7) / 8];
      for (int i = 0; i < words.length - 1; i++) {
        words[i] = b.getLong(i * 8);
      }
      words[words.length - 1] = b.getLong(key.length - 8);
      return words;
    }
  }

  // In each record's component order: the values array is passed to its constructor in that order.
  static final Field[] RECORD = {
      new Field("schemaVersion", Kind.INT), new Field("startTime", Kind.INSTANT),
      new Field("receivedAt", Kind.INSTANT), new Field("reporter", Kind.REPORTER), new Field("logName", Kind.STRING),
      new Field("protocol", Kind.STRING), new Field("httpVersion", Kind.STRING),
      new Field("upstreamCluster", Kind.CLUSTER), new Field("downstreamRemoteAddress", Kind.STRING),
      new Field("downstreamLocalAddress", Kind.STRING), new Field("downstreamDirectRemoteAddress", Kind.STRING),
      new Field("upstreamRemoteAddress", Kind.STRING), new Field("request", Kind.REQUEST),
      new Field("responseCode", Kind.INT), new Field("responseCodeDetails", Kind.STRING),
      new Field("responseFlags", Kind.STRINGS), new Field("bytesReceived", Kind.LONG),
      new Field("bytesSent", Kind.LONG), new Field("durationMicros", Kind.LONG), new Field("routeName", Kind.STRING),
      new Field("peerSans", Kind.STRINGS), new Field("requestedServerName", Kind.STRING),
      new Field("upstreamPeer", Kind.PEER), new Field("downstreamPeer", Kind.PEER), new Field("flags", Kind.STRINGS)};
  static final Field[] REPORTER = {
      new Field("role", Kind.STRING), new Field("nodeId", Kind.STRING), new Field("workload", Kind.WORKLOAD),
      new Field("pod", Kind.STRING), new Field("ips", Kind.STRINGS), new Field("labels", Kind.MAP),
      new Field("istioVersion", Kind.STRING), new Field("clusterId", Kind.STRING),
      new Field("serviceAccount", Kind.STRING), new Field("annotations", Kind.MAP)};
  static final Field[] WORKLOAD = {
      new Field("namespace", Kind.STRING), new Field("name", Kind.STRING), new Field("selector", Kind.MAP)};
  static final Field[] CLUSTER = {
      new Field("name", Kind.STRING), new Field("kind", Kind.STRING), new Field("port", Kind.INT),
      new Field("subset", Kind.STRING), new Field("host", Kind.STRING)};
  static final Field[] REQUEST = {
      new Field("method", Kind.STRING), new Field("scheme", Kind.STRING), new Field("authority", Kind.STRING),
      new Field("path", Kind.STRING)};
  static final Field[] PEER = {
      new Field("source", Kind.STRING), new Field("namespace", Kind.STRING), new Field("workload", Kind.STRING),
      new Field("pod", Kind.STRING), new Field("serviceAccount", Kind.STRING), new Field("clusterId", Kind.STRING),
      new Field("labels", Kind.MAP)};

  /** The record from its fields' values in {@link #RECORD} order. */
  @SuppressWarnings("unchecked")
  static AccessRecord record(Object[] v) {
    // A missing or null number is 0 for a primitive component, as the bean reader makes it.
    return new AccessRecord(v[0] == null ? 0 : (Integer) v[0], (Instant) v[1], (Instant) v[2], (Reporter) v[3],
        (String) v[4], (String) v[5], (String) v[6], (UpstreamCluster) v[7], (String) v[8], (String) v[9],
        (String) v[10], (String) v[11], (HttpRequest) v[12], (Integer) v[13], (String) v[14], (List<String>) v[15],
        v[16] == null ? 0 : (Long) v[16], v[17] == null ? 0 : (Long) v[17], (Long) v[18], (String) v[19],
        (List<String>) v[20], (String) v[21], (PeerMetadata) v[22], (PeerMetadata) v[23], (List<String>) v[24]);
  }

  /** A nested object of {@code kind} from its fields' values in its table's order. */
  @SuppressWarnings("unchecked")
  static Object build(Kind kind, Object[] v) {
    return switch (kind) {
      case WORKLOAD -> new WorkloadRef((String) v[0], (String) v[1], (Map<String, String>) v[2]);
      case CLUSTER -> new UpstreamCluster((String) v[0], (String) v[1], (Integer) v[2], (String) v[3], (String) v[4]);
      case REQUEST -> new HttpRequest((String) v[0], (String) v[1], (String) v[2], (String) v[3]);
      case PEER -> new PeerMetadata((String) v[0], (String) v[1], (String) v[2], (String) v[3], (String) v[4],
          (String) v[5], (Map<String, String>) v[6]);
      case REPORTER -> new Reporter((String) v[0], (String) v[1], (WorkloadRef) v[2], (String) v[3],
          (List<String>) v[4], (Map<String, String>) v[5], (String) v[6], (String) v[7], (String) v[8],
          (Map<String, String>) v[9]);
      default -> throw new IllegalArgumentException(kind + " is not an object");
    };
  }

  /**
   * ISO-8601 as the writers produce it ({@code 2026-11-26T06:00:00.123Z}) without the formatter,
   * which was a quarter of reading a record; any other form goes to {@link Instant#parse}.
   */
  static Instant instant(String s) {
    int n = s.length();
    if (n < 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':'
        || s.charAt(16) != ':' || s.charAt(n - 1) != 'Z') {
      return Instant.parse(s);
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 7);
    int day = digits(s, 8, 10);
    int hour = digits(s, 11, 13);
    int minute = digits(s, 14, 16);
    int second = digits(s, 17, 19);
    int nanos = 0;
    if (n > 20) {
      int fraction = n - 21; // between '.' and 'Z'
      if (s.charAt(19) != '.' || fraction < 1 || fraction > 9) {
        return Instant.parse(s);
      }
      nanos = digits(s, 20, n - 1);
      for (int i = fraction; i < 9; i++) {
        nanos *= 10;
      }
    } else if (s.charAt(19) != 'Z') {
      return Instant.parse(s);
    }
    if (year < 0 || month < 1 || month > 12 || day < 1 || day > 28 && day > YearMonth.of(year, month)
        .lengthOfMonth() || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59
        || nanos < 0) {
      return Instant.parse(s); // a leap second, a bad date or a non-digit: the formatter's rules apply
    }
    long days = LocalDate.of(year, month, day).toEpochDay();
    return Instant.ofEpochSecond(days * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
  }

  /** The decimal value of s[from, to), or -1 if any of it is not an ASCII digit. */
  private static int digits(String s, int from, int to) {
    int v = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }
}
