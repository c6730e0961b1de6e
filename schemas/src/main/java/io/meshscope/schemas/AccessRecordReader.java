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

  private static AccessRecord record(JsonParser p) throws IOException, NotPlain {
    int schemaVersion = 0;
    Instant startTime = null;
    Instant receivedAt = null;
    Reporter reporter = null;
    String logName = null;
    String protocol = null;
    String httpVersion = null;
    UpstreamCluster upstreamCluster = null;
    String downstreamRemoteAddress = null;
    String downstreamLocalAddress = null;
    String downstreamDirectRemoteAddress = null;
    String upstreamRemoteAddress = null;
    HttpRequest request = null;
    Integer responseCode = null;
    String responseCodeDetails = null;
    List<String> responseFlags = null;
    long bytesReceived = 0;
    long bytesSent = 0;
    Long durationMicros = null;
    String routeName = null;
    List<String> peerSans = null;
    PeerMetadata upstreamPeer = null;
    PeerMetadata downstreamPeer = null;
    List<String> flags = null;
    Seen seen = new Seen();
    String name;
    while ((name = p.nextFieldName()) != null) {
      JsonToken t = p.nextToken();
      switch (name) {
        case "schemaVersion" -> {
          seen.once(0);
          schemaVersion = integer(p, t);
        }
        case "startTime" -> {
          seen.once(1);
          startTime = instant(p, t);
        }
        case "receivedAt" -> {
          seen.once(2);
          receivedAt = instant(p, t);
        }
        case "reporter" -> {
          seen.once(3);
          reporter = t == JsonToken.VALUE_NULL ? null : reporter(p, t);
        }
        case "logName" -> {
          seen.once(4);
          logName = string(p, t);
        }
        case "protocol" -> {
          seen.once(5);
          protocol = string(p, t);
        }
        case "httpVersion" -> {
          seen.once(6);
          httpVersion = string(p, t);
        }
        case "upstreamCluster" -> {
          seen.once(7);
          upstreamCluster = t == JsonToken.VALUE_NULL ? null : cluster(p, t);
        }
        case "downstreamRemoteAddress" -> {
          seen.once(8);
          downstreamRemoteAddress = string(p, t);
        }
        case "downstreamLocalAddress" -> {
          seen.once(9);
          downstreamLocalAddress = string(p, t);
        }
        case "downstreamDirectRemoteAddress" -> {
          seen.once(10);
          downstreamDirectRemoteAddress = string(p, t);
        }
        case "upstreamRemoteAddress" -> {
          seen.once(11);
          upstreamRemoteAddress = string(p, t);
        }
        case "request" -> {
          seen.once(12);
          request = t == JsonToken.VALUE_NULL ? null : request(p, t);
        }
        case "responseCode" -> {
          seen.once(13);
          responseCode = t == JsonToken.VALUE_NULL ? null : integer(p, t);
        }
        case "responseCodeDetails" -> {
          seen.once(14);
          responseCodeDetails = string(p, t);
        }
        case "responseFlags" -> {
          seen.once(15);
          responseFlags = strings(p, t);
        }
        case "bytesReceived" -> {
          seen.once(16);
          bytesReceived = longValue(p, t);
        }
        case "bytesSent" -> {
          seen.once(17);
          bytesSent = longValue(p, t);
        }
        case "durationMicros" -> {
          seen.once(18);
          durationMicros = t == JsonToken.VALUE_NULL ? null : longValue(p, t);
        }
        case "routeName" -> {
          seen.once(19);
          routeName = string(p, t);
        }
        case "peerSans" -> {
          seen.once(20);
          peerSans = strings(p, t);
        }
        case "upstreamPeer" -> {
          seen.once(21);
          upstreamPeer = t == JsonToken.VALUE_NULL ? null : peer(p, t);
        }
        case "downstreamPeer" -> {
          seen.once(22);
          downstreamPeer = t == JsonToken.VALUE_NULL ? null : peer(p, t);
        }
        case "flags" -> {
          seen.once(23);
          flags = strings(p, t);
        }
        // A newer writer's field: ignored, as FAIL_ON_UNKNOWN_PROPERTIES is off for the bean reader.
        default -> p.skipChildren();
      }
    }
    expect(p.currentToken(), JsonToken.END_OBJECT);
    return new AccessRecord(schemaVersion, startTime, receivedAt, reporter, logName, protocol, httpVersion,
        upstreamCluster, downstreamRemoteAddress, downstreamLocalAddress, downstreamDirectRemoteAddress,
        upstreamRemoteAddress, request, responseCode, responseCodeDetails, responseFlags, bytesReceived, bytesSent,
        durationMicros, routeName, peerSans, upstreamPeer, downstreamPeer, flags);
  }

  private static Reporter reporter(JsonParser p, JsonToken t) throws IOException, NotPlain {
    expect(t, JsonToken.START_OBJECT);
    String role = null;
    String nodeId = null;
    WorkloadRef workload = null;
    String pod = null;
    List<String> ips = null;
    Map<String, String> labels = null;
    String istioVersion = null;
    String clusterId = null;
    String serviceAccount = null;
    Seen seen = new Seen();
    String name;
    while ((name = p.nextFieldName()) != null) {
      JsonToken v = p.nextToken();
      switch (name) {
        case "role" -> {
          seen.once(0);
          role = string(p, v);
        }
        case "nodeId" -> {
          seen.once(1);
          nodeId = string(p, v);
        }
        case "workload" -> {
          seen.once(2);
          workload = v == JsonToken.VALUE_NULL ? null : workload(p, v);
        }
        case "pod" -> {
          seen.once(3);
          pod = string(p, v);
        }
        case "ips" -> {
          seen.once(4);
          ips = strings(p, v);
        }
        case "labels" -> {
          seen.once(5);
          labels = map(p, v);
        }
        case "istioVersion" -> {
          seen.once(6);
          istioVersion = string(p, v);
        }
        case "clusterId" -> {
          seen.once(7);
          clusterId = string(p, v);
        }
        case "serviceAccount" -> {
          seen.once(8);
          serviceAccount = string(p, v);
        }
        default -> p.skipChildren();
      }
    }
    return new Reporter(role, nodeId, workload, pod, ips, labels, istioVersion, clusterId, serviceAccount);
  }

  private static WorkloadRef workload(JsonParser p, JsonToken t) throws IOException, NotPlain {
    expect(t, JsonToken.START_OBJECT);
    String namespace = null;
    String name = null;
    Map<String, String> selector = null;
    Seen seen = new Seen();
    String field;
    while ((field = p.nextFieldName()) != null) {
      JsonToken v = p.nextToken();
      switch (field) {
        case "namespace" -> {
          seen.once(0);
          namespace = string(p, v);
        }
        case "name" -> {
          seen.once(1);
          name = string(p, v);
        }
        case "selector" -> {
          seen.once(2);
          selector = map(p, v);
        }
        default -> p.skipChildren();
      }
    }
    return new WorkloadRef(namespace, name, selector);
  }

  private static UpstreamCluster cluster(JsonParser p, JsonToken t) throws IOException, NotPlain {
    expect(t, JsonToken.START_OBJECT);
    String name = null;
    String kind = null;
    Integer port = null;
    String subset = null;
    String host = null;
    Seen seen = new Seen();
    String field;
    while ((field = p.nextFieldName()) != null) {
      JsonToken v = p.nextToken();
      switch (field) {
        case "name" -> {
          seen.once(0);
          name = string(p, v);
        }
        case "kind" -> {
          seen.once(1);
          kind = string(p, v);
        }
        case "port" -> {
          seen.once(2);
          port = v == JsonToken.VALUE_NULL ? null : integer(p, v);
        }
        case "subset" -> {
          seen.once(3);
          subset = string(p, v);
        }
        case "host" -> {
          seen.once(4);
          host = string(p, v);
        }
        default -> p.skipChildren();
      }
    }
    return new UpstreamCluster(name, kind, port, subset, host);
  }

  private static HttpRequest request(JsonParser p, JsonToken t) throws IOException, NotPlain {
    expect(t, JsonToken.START_OBJECT);
    String method = null;
    String scheme = null;
    String authority = null;
    String path = null;
    Seen seen = new Seen();
    String field;
    while ((field = p.nextFieldName()) != null) {
      JsonToken v = p.nextToken();
      switch (field) {
        case "method" -> {
          seen.once(0);
          method = string(p, v);
        }
        case "scheme" -> {
          seen.once(1);
          scheme = string(p, v);
        }
        case "authority" -> {
          seen.once(2);
          authority = string(p, v);
        }
        case "path" -> {
          seen.once(3);
          path = string(p, v);
        }
        default -> p.skipChildren();
      }
    }
    return new HttpRequest(method, scheme, authority, path);
  }

  private static PeerMetadata peer(JsonParser p, JsonToken t) throws IOException, NotPlain {
    expect(t, JsonToken.START_OBJECT);
    String source = null;
    String namespace = null;
    String workload = null;
    String pod = null;
    String serviceAccount = null;
    String clusterId = null;
    Map<String, String> labels = null;
    Seen seen = new Seen();
    String field;
    while ((field = p.nextFieldName()) != null) {
      JsonToken v = p.nextToken();
      switch (field) {
        case "source" -> {
          seen.once(0);
          source = string(p, v);
        }
        case "namespace" -> {
          seen.once(1);
          namespace = string(p, v);
        }
        case "workload" -> {
          seen.once(2);
          workload = string(p, v);
        }
        case "pod" -> {
          seen.once(3);
          pod = string(p, v);
        }
        case "serviceAccount" -> {
          seen.once(4);
          serviceAccount = string(p, v);
        }
        case "clusterId" -> {
          seen.once(5);
          clusterId = string(p, v);
        }
        case "labels" -> {
          seen.once(6);
          labels = map(p, v);
        }
        default -> p.skipChildren();
      }
    }
    return new PeerMetadata(source, namespace, workload, pod, serviceAccount, clusterId, labels);
  }

  private static String string(JsonParser p, JsonToken t) throws IOException, NotPlain {
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    expect(t, JsonToken.VALUE_STRING);
    return p.getText();
  }

  private static Instant instant(JsonParser p, JsonToken t) throws IOException, NotPlain {
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
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
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
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
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
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

  /** Which fields of one object were read: a second time is for the bean reader to judge. */
  private static final class Seen {
    private int bits;

    void once(int field) throws NotPlain {
      int bit = 1 << field;
      if ((bits & bit) != 0) {
        throw NOT_PLAIN;
      }
      bits |= bit;
    }
  }
}
