package io.meshscope.schemas;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads an {@link AccessRecord} with the streaming API: the analyzer reads one per entry and the
 * bean deserializer (property-based creator, buffered) was a third of its CPU. It takes only the
 * plain shape the writers produce; anything else (a value of another JSON type, a duplicate field,
 * a null in a list, trailing tokens, a record its constructor refuses) makes it give up with
 * {@link NotPlain}, and {@link JsonSerde} then reads the bytes with the bean deserializer, which
 * accepts or refuses them exactly as before, with its messages. A test holds the two to the same
 * answer on random and mutated records.
 */
final class AccessRecordReader {

  /** Not an error in the record: only a sign that the bean deserializer must decide. */
  static final class NotPlain extends Exception {
    NotPlain() {
      super(null, null, false, false);
    }
  }

  private static final NotPlain NOT_PLAIN = new NotPlain();

  private final JsonFactory factory;
  private final Projection projection;
  // Per thread: Kafka Streams shares one deserializer among its stream threads.
  private final ThreadLocal<ReporterMemo> memos = ThreadLocal.withInitial(ReporterMemo::new);

  AccessRecordReader(JsonFactory factory) {
    this(factory, Projection.NONE);
  }

  AccessRecordReader(JsonFactory factory, Projection projection) {
    this.factory = factory;
    this.projection = projection;
  }

  AccessRecord read(byte[] data) throws NotPlain {
    ReporterMemo memo = memos.get();
    try {
      return WriterLayoutReader.read(data, memo, projection);
    } catch (NotPlain e) {
      return streamed(data, memo);
    }
  }

  /** With Jackson's streaming parser: any field order, whitespace, escapes, unknown fields. */
  AccessRecord streamed(byte[] data, ReporterMemo memo) throws NotPlain {
    try (JsonParser p = factory.createParser(data)) {
      expect(p.nextToken(), JsonToken.START_OBJECT);
      AccessRecord r = record(p, new Source(data, memo));
      if (p.nextToken() != null) {
        throw NOT_PLAIN;
      }
      return r;
    } catch (IOException | RuntimeException e) {
      throw NOT_PLAIN;
    }
  }

  /** This thread's memo. */
  ReporterMemo memo() {
    return memos.get();
  }

  /** The bytes being read, for the reporter memo. */
  private record Source(byte[] data, ReporterMemo memo) {}

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

  /**
   * Fields that a reader leaves empty (null, 0 or an empty list) in the records it reads in the
   * writers' layout, for a consumer that never looks at them: it still reads past them with every
   * check, so it accepts and refuses exactly the records a full read does, but makes no strings or
   * lists for them. A record in another layout is read whole.
   */
  record Projection(boolean[] record, boolean[] cluster, boolean[] request) {
    /** For the tables no projection reaches into (reporter, workload, peer): nothing skipped. */
    static final boolean[] NOTHING = new boolean[RECORD.length];
    // Required by the records' constructors: left empty, every record would fail the layout read.
    private static final Set<String> REQUIRED =
        Set.of("schemaVersion", "protocol", "upstreamCluster.name", "upstreamCluster.kind");
    static final Projection NONE = of(Set.of());

    /**
     * @param skipped fields by name ({@code routeName}) or nested name ({@code request.path}): text,
     *     numbers and lists of text, not the fields the records require
     */
    static Projection of(Set<String> skipped) {
      Set<String> left = new HashSet<>(skipped);
      Projection p = new Projection(mask(RECORD, "", left), mask(CLUSTER, "upstreamCluster.", left),
          mask(REQUEST, "request.", left));
      if (!left.isEmpty()) {
        throw new IllegalArgumentException("cannot skip " + new TreeSet<>(left)
            + ": unknown, required, or not text, a number or a list of text");
      }
      return p;
    }

    private static boolean[] mask(Field[] table, String prefix, Set<String> left) {
      boolean[] mask = new boolean[Math.max(table.length, RECORD.length)];
      for (int i = 0; i < table.length; i++) {
        String name = prefix + table[i].name();
        Kind kind = table[i].kind();
        boolean skippable = !REQUIRED.contains(name)
            && (kind == Kind.STRING || kind == Kind.INT || kind == Kind.LONG || kind == Kind.STRINGS);
        mask[i] = skippable && left.remove(name);
      }
      return mask;
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
      new Field("peerSans", Kind.STRINGS), new Field("upstreamPeer", Kind.PEER),
      new Field("downstreamPeer", Kind.PEER), new Field("flags", Kind.STRINGS)};
  static final Field[] REPORTER = {
      new Field("role", Kind.STRING), new Field("nodeId", Kind.STRING), new Field("workload", Kind.WORKLOAD),
      new Field("pod", Kind.STRING), new Field("ips", Kind.STRINGS), new Field("labels", Kind.MAP),
      new Field("istioVersion", Kind.STRING), new Field("clusterId", Kind.STRING),
      new Field("serviceAccount", Kind.STRING)};
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

  private AccessRecord record(JsonParser p, Source source) throws IOException, NotPlain {
    return record(fields(p, RECORD, source));
  }

  /** The record from its fields' values in {@link #RECORD} order. */
  @SuppressWarnings("unchecked")
  static AccessRecord record(Object[] v) {
    // A missing or null number is 0 for a primitive component, as the bean reader makes it.
    return new AccessRecord(v[0] == null ? 0 : (Integer) v[0], (Instant) v[1], (Instant) v[2], (Reporter) v[3],
        (String) v[4], (String) v[5], (String) v[6], (UpstreamCluster) v[7], (String) v[8], (String) v[9],
        (String) v[10], (String) v[11], (HttpRequest) v[12], (Integer) v[13], (String) v[14], (List<String>) v[15],
        v[16] == null ? 0 : (Long) v[16], v[17] == null ? 0 : (Long) v[17], (Long) v[18], (String) v[19],
        (List<String>) v[20], (PeerMetadata) v[21], (PeerMetadata) v[22], (List<String>) v[23]);
  }

  /** The object's known fields, in {@code fields} order; unknown ones are skipped, a repeated one gives up. */
  private Object[] fields(JsonParser p, Field[] fields, Source source) throws IOException, NotPlain {
    Object[] values = new Object[fields.length];
    int seen = 0;
    int next = 0;
    String name;
    while ((name = p.nextFieldName()) != null) {
      JsonToken t = p.nextToken();
      int i = indexOf(fields, name, next);
      if (i < 0) {
        // A newer writer's field: ignored, as FAIL_ON_UNKNOWN_PROPERTIES is off for the bean reader.
        p.skipChildren();
        continue;
      }
      if ((seen & (1 << i)) != 0) {
        throw NOT_PLAIN;
      }
      seen |= 1 << i;
      next = i + 1;
      values[i] = t == JsonToken.VALUE_NULL ? null : value(p, t, fields[i].kind(), source);
    }
    expect(p.currentToken(), JsonToken.END_OBJECT);
    return values;
  }

  /** Where {@code name} is, trying {@code hint} first: the writers put fields in table order. */
  private static int indexOf(Field[] fields, String name, int hint) {
    if (hint < fields.length && fields[hint].name().equals(name)) {
      return hint;
    }
    for (int i = 0; i < fields.length; i++) {
      if (fields[i].name().equals(name)) {
        return i;
      }
    }
    return -1;
  }

  @SuppressWarnings("unchecked")
  /** A value that is not JSON null (the caller has taken care of that). */
  private Object value(JsonParser p, JsonToken t, Kind kind, Source source) throws IOException, NotPlain {
    return switch (kind) {
      case STRING -> string(p, t);
      case INT -> integer(p, t);
      case LONG -> longValue(p, t);
      case INSTANT -> instant(p, t);
      case STRINGS -> strings(p, t);
      case MAP -> map(p, t);
      case REPORTER -> reporter(p, t, source);
      case WORKLOAD -> build(kind, object(p, t, WORKLOAD, source));
      case CLUSTER -> build(kind, object(p, t, CLUSTER, source));
      case REQUEST -> build(kind, object(p, t, REQUEST, source));
      case PEER -> build(kind, object(p, t, PEER, source));
    };
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
          (List<String>) v[4], (Map<String, String>) v[5], (String) v[6], (String) v[7], (String) v[8]);
      default -> throw new IllegalArgumentException(kind + " is not an object");
    };
  }

  private Object[] object(JsonParser p, JsonToken t, Field[] fields, Source source) throws IOException, NotPlain {
    expect(t, JsonToken.START_OBJECT);
    return fields(p, fields, source);
  }

  /** The reporter object at the parser, from the memo when its bytes were read before. */
  @SuppressWarnings("unchecked")
  private Reporter reporter(JsonParser p, JsonToken t, Source source) throws IOException, NotPlain {
    expect(t, JsonToken.START_OBJECT);
    long start = p.currentTokenLocation().getByteOffset();
    p.skipChildren();
    long last = p.currentTokenLocation().getByteOffset();
    byte[] data = source.data();
    if (start < 0 || last >= data.length || data[(int) start] != '{' || data[(int) last] != '}') {
      throw NOT_PLAIN; // offsets not as expected: let the bean reader decide
    }
    int from = (int) start;
    int to = (int) last + 1;
    int hash = ReporterMemo.prefixHash(data, from, to);
    Reporter memoized = source.memo().get(data, from, to, hash);
    if (memoized != null) {
      return memoized;
    }
    try (JsonParser sub = factory.createParser(data, from, to - from)) {
      Reporter r = (Reporter) build(Kind.REPORTER, object(sub, sub.nextToken(), REPORTER, source));
      if (sub.nextToken() != null) {
        throw NOT_PLAIN;
      }
      source.memo().put(data, from, to, hash, r);
      return r;
    }
  }

  private static String string(JsonParser p, JsonToken t) throws IOException, NotPlain {
    expect(t, JsonToken.VALUE_STRING);
    return p.getText();
  }

  private static Instant instant(JsonParser p, JsonToken t) throws IOException, NotPlain {
    expect(t, JsonToken.VALUE_STRING);
    return instant(p.getText());
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

  private static int integer(JsonParser p, JsonToken t) throws IOException, NotPlain {
    expect(t, JsonToken.VALUE_NUMBER_INT);
    if (p.getNumberType() != JsonParser.NumberType.INT) {
      throw NOT_PLAIN;
    }
    return p.getIntValue();
  }

  private static long longValue(JsonParser p, JsonToken t) throws IOException, NotPlain {
    expect(t, JsonToken.VALUE_NUMBER_INT);
    JsonParser.NumberType type = p.getNumberType();
    if (type != JsonParser.NumberType.INT && type != JsonParser.NumberType.LONG) {
      throw NOT_PLAIN;
    }
    return p.getLongValue();
  }

  private static List<String> strings(JsonParser p, JsonToken t) throws IOException, NotPlain {
    expect(t, JsonToken.START_ARRAY);
    List<String> out = new ArrayList<>();
    JsonToken v;
    while ((v = p.nextToken()) != JsonToken.END_ARRAY) {
      expect(v, JsonToken.VALUE_STRING);
      out.add(p.getText());
    }
    return out;
  }

  private static Map<String, String> map(JsonParser p, JsonToken t) throws IOException, NotPlain {
    expect(t, JsonToken.START_OBJECT);
    Map<String, String> out = new TreeMap<>();
    String key;
    while ((key = p.nextFieldName()) != null) {
      expect(p.nextToken(), JsonToken.VALUE_STRING);
      if (out.put(key, p.getText()) != null) {
        throw NOT_PLAIN;
      }
    }
    return out;
  }

  private static void expect(JsonToken actual, JsonToken expected) throws NotPlain {
    if (actual != expected) {
      throw NOT_PLAIN;
    }
  }
}
