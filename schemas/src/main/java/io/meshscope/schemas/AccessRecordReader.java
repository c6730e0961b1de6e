package io.meshscope.schemas;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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

  AccessRecordReader(JsonFactory factory) {
    this.factory = factory;
  }

  AccessRecord read(byte[] data) throws NotPlain {
    try (JsonParser p = factory.createParser(data)) {
      expect(p.nextToken(), JsonToken.START_OBJECT);
      AccessRecord r = record(p);
      if (p.nextToken() != null) {
        throw NOT_PLAIN;
      }
      return r;
    } catch (IOException | RuntimeException e) {
      throw NOT_PLAIN;
    }
  }

  /** How a field's value is read. */
  private enum Kind { STRING, INT, LONG, INSTANT, STRINGS, MAP, REPORTER, WORKLOAD, CLUSTER, REQUEST, PEER }

  private record Field(String name, Kind kind) {}

  // In each record's component order: the values array is passed to its constructor in that order.
  private static final Field[] RECORD = {
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
  private static final Field[] REPORTER = {
      new Field("role", Kind.STRING), new Field("nodeId", Kind.STRING), new Field("workload", Kind.WORKLOAD),
      new Field("pod", Kind.STRING), new Field("ips", Kind.STRINGS), new Field("labels", Kind.MAP),
      new Field("istioVersion", Kind.STRING), new Field("clusterId", Kind.STRING),
      new Field("serviceAccount", Kind.STRING)};
  private static final Field[] WORKLOAD = {
      new Field("namespace", Kind.STRING), new Field("name", Kind.STRING), new Field("selector", Kind.MAP)};
  private static final Field[] CLUSTER = {
      new Field("name", Kind.STRING), new Field("kind", Kind.STRING), new Field("port", Kind.INT),
      new Field("subset", Kind.STRING), new Field("host", Kind.STRING)};
  private static final Field[] REQUEST = {
      new Field("method", Kind.STRING), new Field("scheme", Kind.STRING), new Field("authority", Kind.STRING),
      new Field("path", Kind.STRING)};
  private static final Field[] PEER = {
      new Field("source", Kind.STRING), new Field("namespace", Kind.STRING), new Field("workload", Kind.STRING),
      new Field("pod", Kind.STRING), new Field("serviceAccount", Kind.STRING), new Field("clusterId", Kind.STRING),
      new Field("labels", Kind.MAP)};

  @SuppressWarnings("unchecked")
  private static AccessRecord record(JsonParser p) throws IOException, NotPlain {
    Object[] v = fields(p, RECORD);
    // A missing or null number is 0 for a primitive component, as the bean reader makes it.
    return new AccessRecord(v[0] == null ? 0 : (Integer) v[0], (Instant) v[1], (Instant) v[2], (Reporter) v[3],
        (String) v[4], (String) v[5], (String) v[6], (UpstreamCluster) v[7], (String) v[8], (String) v[9],
        (String) v[10], (String) v[11], (HttpRequest) v[12], (Integer) v[13], (String) v[14], (List<String>) v[15],
        v[16] == null ? 0 : (Long) v[16], v[17] == null ? 0 : (Long) v[17], (Long) v[18], (String) v[19],
        (List<String>) v[20], (PeerMetadata) v[21], (PeerMetadata) v[22], (List<String>) v[23]);
  }

  /** The object's known fields, in {@code fields} order; unknown ones are skipped, a repeated one gives up. */
  private static Object[] fields(JsonParser p, Field[] fields) throws IOException, NotPlain {
    Object[] values = new Object[fields.length];
    int seen = 0;
    String name;
    while ((name = p.nextFieldName()) != null) {
      JsonToken t = p.nextToken();
      int i = indexOf(fields, name);
      if (i < 0) {
        // A newer writer's field: ignored, as FAIL_ON_UNKNOWN_PROPERTIES is off for the bean reader.
        p.skipChildren();
        continue;
      }
      if ((seen & (1 << i)) != 0) {
        throw NOT_PLAIN;
      }
      seen |= 1 << i;
      values[i] = t == JsonToken.VALUE_NULL ? null : value(p, t, fields[i].kind());
    }
    expect(p.currentToken(), JsonToken.END_OBJECT);
    return values;
  }

  private static int indexOf(Field[] fields, String name) {
    for (int i = 0; i < fields.length; i++) {
      if (fields[i].name().equals(name)) {
        return i;
      }
    }
    return -1;
  }

  @SuppressWarnings("unchecked")
  /** A value that is not JSON null (the caller has taken care of that). */
  private static Object value(JsonParser p, JsonToken t, Kind kind) throws IOException, NotPlain {
    return switch (kind) {
      case STRING -> string(p, t);
      case INT -> integer(p, t);
      case LONG -> longValue(p, t);
      case INSTANT -> instant(p, t);
      case STRINGS -> strings(p, t);
      case MAP -> map(p, t);
      case REPORTER -> {
        Object[] v = object(p, t, REPORTER);
        yield new Reporter((String) v[0], (String) v[1], (WorkloadRef) v[2], (String) v[3], (List<String>) v[4],
            (Map<String, String>) v[5], (String) v[6], (String) v[7], (String) v[8]);
      }
      case WORKLOAD -> {
        Object[] v = object(p, t, WORKLOAD);
        yield new WorkloadRef((String) v[0], (String) v[1], (Map<String, String>) v[2]);
      }
      case CLUSTER -> {
        Object[] v = object(p, t, CLUSTER);
        yield new UpstreamCluster((String) v[0], (String) v[1], (Integer) v[2], (String) v[3], (String) v[4]);
      }
      case REQUEST -> {
        Object[] v = object(p, t, REQUEST);
        yield new HttpRequest((String) v[0], (String) v[1], (String) v[2], (String) v[3]);
      }
      case PEER -> {
        Object[] v = object(p, t, PEER);
        yield new PeerMetadata((String) v[0], (String) v[1], (String) v[2], (String) v[3], (String) v[4],
            (String) v[5], (Map<String, String>) v[6]);
      }
    };
  }

  private static Object[] object(JsonParser p, JsonToken t, Field[] fields) throws IOException, NotPlain {
    expect(t, JsonToken.START_OBJECT);
    return fields(p, fields);
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
    if (year < 0 || month < 1 || month > 12 || day < 1 || day > 28 && day > java.time.YearMonth.of(year, month)
        .lengthOfMonth() || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59
        || nanos < 0) {
      return Instant.parse(s); // a leap second, a bad date or a non-digit: the formatter's rules apply
    }
    long days = java.time.LocalDate.of(year, month, day).toEpochDay();
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
