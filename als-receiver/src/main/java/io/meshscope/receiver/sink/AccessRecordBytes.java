package io.meshscope.receiver.sink;

import com.fasterxml.jackson.databind.ObjectWriter;
import io.meshscope.schemas.AccessRecord;
import io.meshscope.schemas.HttpRequest;
import io.meshscope.schemas.Json;
import io.meshscope.schemas.JsonSerde;
import io.meshscope.schemas.PeerMetadata;
import io.meshscope.schemas.Reporter;
import io.meshscope.schemas.UpstreamCluster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Writes an {@link AccessRecord} straight into bytes, byte for byte as the bean serializer of
 * {@link Json#mapper()} would (tests compare the two on random records and on every character
 * below the surrogates). The receiver writes one record per access-log entry: the bean serializer
 * was a third of its CPU, and Jackson's generator, even driven by hand, still a quarter. Field names
 * are encoded once; the reporter, the same object for every entry of an ALS stream and about 40% of
 * a record, is serialized once per stream and copied. A string with a UTF-16 surrogate, which
 * Jackson escapes in a way of its own, makes it give up: {@link #write} returns null and the caller
 * uses Jackson.
 */
final class AccessRecordBytes {

  /** Not an error: a value this writer leaves to Jackson. */
  private static final class Fallback extends Exception {
    Fallback() {
      super(null, null, false, false);
    }
  }

  private static final Fallback FALLBACK = new Fallback();
  private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
  // Field names as they are written, quoted and followed by a colon.
  private static final byte[] AUTHORITY = name("authority");
  private static final byte[] BYTES_RECEIVED = name("bytesReceived");
  private static final byte[] BYTES_SENT = name("bytesSent");
  private static final byte[] CLUSTER_ID = name("clusterId");
  private static final byte[] DOWNSTREAM_DIRECT_REMOTE_ADDRESS = name("downstreamDirectRemoteAddress");
  private static final byte[] DOWNSTREAM_LOCAL_ADDRESS = name("downstreamLocalAddress");
  private static final byte[] DOWNSTREAM_PEER = name("downstreamPeer");
  private static final byte[] DOWNSTREAM_REMOTE_ADDRESS = name("downstreamRemoteAddress");
  private static final byte[] DURATION_MICROS = name("durationMicros");
  private static final byte[] FLAGS = name("flags");
  private static final byte[] HOST = name("host");
  private static final byte[] HTTP_VERSION = name("httpVersion");
  private static final byte[] KIND = name("kind");
  private static final byte[] LABELS = name("labels");
  private static final byte[] LOG_NAME = name("logName");
  private static final byte[] METHOD = name("method");
  private static final byte[] NAME = name("name");
  private static final byte[] NAMESPACE = name("namespace");
  private static final byte[] PATH = name("path");
  private static final byte[] PEER_SANS = name("peerSans");
  private static final byte[] POD = name("pod");
  private static final byte[] PORT = name("port");
  private static final byte[] PROTOCOL = name("protocol");
  private static final byte[] RECEIVED_AT = name("receivedAt");
  private static final byte[] REPORTER = name("reporter");
  private static final byte[] REQUEST = name("request");
  private static final byte[] REQUESTED_SERVER_NAME = name("requestedServerName");
  private static final byte[] RESPONSE_CODE = name("responseCode");
  private static final byte[] RESPONSE_CODE_DETAILS = name("responseCodeDetails");
  private static final byte[] RESPONSE_FLAGS = name("responseFlags");
  private static final byte[] ROUTE_NAME = name("routeName");
  private static final byte[] SCHEMA_VERSION = name("schemaVersion");
  private static final byte[] SCHEME = name("scheme");
  private static final byte[] SERVICE_ACCOUNT = name("serviceAccount");
  private static final byte[] SOURCE = name("source");
  private static final byte[] START_TIME = name("startTime");
  private static final byte[] SUBSET = name("subset");
  private static final byte[] UPSTREAM_CLUSTER = name("upstreamCluster");
  private static final byte[] UPSTREAM_PEER = name("upstreamPeer");
  private static final byte[] UPSTREAM_REMOTE_ADDRESS = name("upstreamRemoteAddress");
  private static final byte[] WORKLOAD = name("workload");

  private static byte[] name(String name) {
    return ('"' + name + "\":").getBytes(StandardCharsets.US_ASCII);
  }

  private final ObjectWriter reporterWriter;
  private final ThreadLocal<Out> outs = ThreadLocal.withInitial(Out::new);

  /** The access-log topic's serde with this writer in front: the same bytes, written faster. */
  static JsonSerde<AccessRecord> serde() {
    return new JsonSerde<>(AccessRecord.class, null, new AccessRecordBytes(Json.mapper().writerFor(Reporter.class))::write);
  }

  AccessRecordBytes(ObjectWriter reporterWriter) {
    this.reporterWriter = reporterWriter;
  }

  /** The record's JSON, or null when Jackson must write it. */
  byte[] write(AccessRecord r) throws IOException {
    Out o = outs.get();
    o.len = 0;
    try {
      o.raw('{');
      o.field(SCHEMA_VERSION);
      o.number(r.schemaVersion());
      o.field(START_TIME);
      o.instant(r.startTime());
      o.field(RECEIVED_AT);
      o.instant(r.receivedAt());
      if (r.reporter() != null) {
        o.field(REPORTER);
        o.raw(reporterJson(o, r.reporter()));
      }
      o.string(LOG_NAME, r.logName());
      o.string(PROTOCOL, r.protocol());
      o.string(HTTP_VERSION, r.httpVersion());
      UpstreamCluster c = r.upstreamCluster();
      if (c != null) {
        o.field(UPSTREAM_CLUSTER);
        o.raw('{');
        o.string(NAME, c.name());
        o.string(KIND, c.kind());
        if (c.port() != null) {
          o.field(PORT);
          o.number(c.port());
        }
        o.string(SUBSET, c.subset());
        o.string(HOST, c.host());
        o.raw('}');
      }
      o.string(DOWNSTREAM_REMOTE_ADDRESS, r.downstreamRemoteAddress());
      o.string(DOWNSTREAM_LOCAL_ADDRESS, r.downstreamLocalAddress());
      o.string(DOWNSTREAM_DIRECT_REMOTE_ADDRESS, r.downstreamDirectRemoteAddress());
      o.string(UPSTREAM_REMOTE_ADDRESS, r.upstreamRemoteAddress());
      HttpRequest q = r.request();
      if (q != null) {
        o.field(REQUEST);
        o.raw('{');
        o.string(METHOD, q.method());
        o.string(SCHEME, q.scheme());
        o.string(AUTHORITY, q.authority());
        o.string(PATH, q.path());
        o.raw('}');
      }
      if (r.responseCode() != null) {
        o.field(RESPONSE_CODE);
        o.number(r.responseCode());
      }
      o.string(RESPONSE_CODE_DETAILS, r.responseCodeDetails());
      o.strings(RESPONSE_FLAGS, r.responseFlags());
      o.field(BYTES_RECEIVED);
      o.number(r.bytesReceived());
      o.field(BYTES_SENT);
      o.number(r.bytesSent());
      if (r.durationMicros() != null) {
        o.field(DURATION_MICROS);
        o.number(r.durationMicros());
      }
      o.string(ROUTE_NAME, r.routeName());
      o.strings(PEER_SANS, r.peerSans());
      o.string(REQUESTED_SERVER_NAME, r.requestedServerName());
      peer(o, UPSTREAM_PEER, r.upstreamPeer());
      peer(o, DOWNSTREAM_PEER, r.downstreamPeer());
      o.strings(FLAGS, r.flags());
      o.raw('}');
      return Arrays.copyOf(o.buf, o.len);
    } catch (Fallback f) {
      return null;
    }
  }

  /** An instant as {@link #write} puts it in a record, without the quotes (for tests). */
  static String instant(Instant t) {
    Out o = new Out();
    o.instant(t);
    return new String(o.buf, 1, o.len - 2, StandardCharsets.US_ASCII);
  }

  private static void peer(Out o, byte[] name, PeerMetadata p) throws Fallback {
    if (p == null) {
      return;
    }
    o.field(name);
    // The receiver's peer-metadata memo hands out the same object for the same peer, entry after
    // entry: its JSON is kept by identity, as the reporter's is.
    int slot = System.identityHashCode(p) & (Out.PEER_SLOTS - 1);
    if (o.peers[slot] == p) {
      o.raw(o.peerJson[slot]);
      return;
    }
    int start = o.len;
    o.raw('{');
    o.string(SOURCE, p.source());
    o.string(NAMESPACE, p.namespace());
    o.string(WORKLOAD, p.workload());
    o.string(POD, p.pod());
    o.string(SERVICE_ACCOUNT, p.serviceAccount());
    o.string(CLUSTER_ID, p.clusterId());
    if (p.labels() != null) {
      o.field(LABELS);
      o.raw('{');
      // Sorted already; a null value is left out, as NON_NULL does for map values.
      for (Map.Entry<String, String> e : p.labels().entrySet()) {
        if (e.getValue() != null) {
          o.separate();
          o.quoted(e.getKey());
          o.raw(':');
          o.quoted(e.getValue());
        }
      }
      o.raw('}');
    }
    o.raw('}');
    o.peers[slot] = p;
    o.peerJson[slot] = Arrays.copyOfRange(o.buf, start, o.len);
  }

  /** The reporter's JSON, once per stream: the same object comes with every entry of an ALS stream. */
  private byte[] reporterJson(Out o, Reporter reporter) throws IOException {
    if (o.reporter != reporter) {
      o.reporterJson = reporterWriter.writeValueAsBytes(reporter);
      o.reporter = reporter;
    }
    return o.reporterJson;
  }

  /** A thread's buffers and the last reporter and peers it wrote. */
  private static final class Out {
    byte[] buf = new byte[2048];
    int len;
    char[] chars = new char[256];
    static final int PEER_SLOTS = 16;
    final PeerMetadata[] peers = new PeerMetadata[PEER_SLOTS];
    final byte[][] peerJson = new byte[PEER_SLOTS][];
    Reporter reporter;
    byte[] reporterJson;
    private long lastDay = Long.MIN_VALUE;
    private boolean dayInRange;
    private byte[] dayPrefix;

    private void ensure(int more) {
      if (len + more > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
      }
    }

    void raw(char c) {
      ensure(1);
      buf[len++] = (byte) c;
    }

    void raw(byte[] bytes) {
      ensure(bytes.length);
      System.arraycopy(bytes, 0, buf, len, bytes.length);
      len += bytes.length;
    }

    /** A comma unless this is the first member of an object or array. */
    void separate() {
      byte last = buf[len - 1];
      if (last != '{' && last != '[') {
        raw(',');
      }
    }

    void field(byte[] name) {
      separate();
      raw(name);
    }

    /** As Jackson's InstantSerializer writes it: ISO-8601, fraction in groups of three digits. */
    void instant(Instant t) {
      dateTime(t.getEpochSecond());
      int nanos = t.getNano();
      if (nanos != 0) {
        int digits = nanos % 1_000_000 == 0 ? 3 : nanos % 1_000 == 0 ? 6 : 9;
        int value = digits == 3 ? nanos / 1_000_000 : digits == 6 ? nanos / 1_000 : nanos;
        ensure(digits + 1);
        buf[len] = '.';
        for (int i = digits; i >= 1; i--) {
          buf[len + i] = (byte) ('0' + value % 10);
          value /= 10;
        }
        len += digits + 1;
      }
      raw('Z');
      raw('"');
    }

    /**
     * The opening quote and {@code yyyy-MM-ddTHH:mm:ss}: the date kept from the last record, the
     * time of day digit by digit. A cache of the last two whole seconds missed on a third of the
     * records, whose start times straddle a second within a batch, and DateTimeFormatter then cost
     * 2% of the receiver. Years outside 0000-9999, which ISO_INSTANT writes with a sign, go to it.
     */
    private void dateTime(long second) {
      long day = Math.floorDiv(second, 86_400L);
      if (day != lastDay) {
        lastDay = day;
        LocalDate date = LocalDate.ofEpochDay(day);
        dayInRange = date.getYear() >= 0 && date.getYear() <= 9999;
        if (dayInRange) {
          dayPrefix = ('"' + date.toString() + 'T').getBytes(StandardCharsets.US_ASCII);
        }
      }
      if (!dayInRange) {
        String whole = DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochSecond(second));
        raw('"');
        raw(whole.substring(0, whole.length() - 1).getBytes(StandardCharsets.US_ASCII));
        return;
      }
      raw(dayPrefix);
      int time = (int) (second - day * 86_400L);
      ensure(8);
      byte[] b = buf;
      int p = len;
      twoDigits(b, p, time / 3600);
      b[p + 2] = ':';
      twoDigits(b, p + 3, time / 60 % 60);
      b[p + 5] = ':';
      twoDigits(b, p + 6, time % 60);
      len = p + 8;
    }

    private static void twoDigits(byte[] b, int at, int value) {
      b[at] = (byte) ('0' + value / 10);
      b[at + 1] = (byte) ('0' + value % 10);
    }

    void number(long v) {
      if (v == Long.MIN_VALUE) {
        raw(Long.toString(v).getBytes(StandardCharsets.US_ASCII));
        return;
      }
      ensure(20);
      if (v < 0) {
        buf[len++] = '-';
        v = -v;
      }
      int start = len;
      do {
        buf[len++] = (byte) ('0' + v % 10);
        v /= 10;
      } while (v > 0);
      for (int i = start, j = len - 1; i < j; i++, j--) {
        byte t = buf[i];
        buf[i] = buf[j];
        buf[j] = t;
      }
    }

    void string(byte[] name, String value) throws Fallback {
      if (value != null) {
        field(name);
        quoted(value);
      }
    }

    void strings(byte[] name, List<String> values) throws Fallback {
      if (values == null) {
        return;
      }
      field(name);
      raw('[');
      for (String v : values) {
        separate();
        if (v == null) {
          ensure(4);
          buf[len++] = 'n';
          buf[len++] = 'u';
          buf[len++] = 'l';
          buf[len++] = 'l';
        } else {
          quoted(v);
        }
      }
      raw(']');
    }

    /** As Jackson's UTF-8 generator escapes: quote, backslash and control characters. */
    void quoted(String s) throws Fallback {
      int n = s.length();
      ensure(n * 6 + 2);
      buf[len++] = '"';
      // Through a char array: String.getBytes(int, int, byte[], int) would be quicker for ASCII, but
      // it keeps each character's low byte, and U+2028 would pass for '('; charAt checks the
      // string's coder and bounds on every character.
      if (chars.length < n) {
        chars = new char[Math.max(n, chars.length * 2)];
      }
      char[] cs = chars;
      s.getChars(0, n, cs, 0);
      for (int i = 0; i < n; i++) {
        char c = cs[i];
        if (c < 0x80) {
          if (c >= 0x20 && c != '"' && c != '\\') {
            buf[len++] = (byte) c;
          } else {
            escape(c);
          }
        } else if (c < 0x800) {
          buf[len++] = (byte) (0xC0 | (c >> 6));
          buf[len++] = (byte) (0x80 | (c & 0x3F));
        } else if (Character.isSurrogate(c)) {
          throw FALLBACK;
        } else {
          buf[len++] = (byte) (0xE0 | (c >> 12));
          buf[len++] = (byte) (0x80 | ((c >> 6) & 0x3F));
          buf[len++] = (byte) (0x80 | (c & 0x3F));
        }
      }
      buf[len++] = '"';
    }

    private void escape(char c) {
      buf[len++] = '\\';
      switch (c) {
        case '"' -> buf[len++] = '"';
        case '\\' -> buf[len++] = '\\';
        case '\b' -> buf[len++] = 'b';
        case '\t' -> buf[len++] = 't';
        case '\n' -> buf[len++] = 'n';
        case '\f' -> buf[len++] = 'f';
        case '\r' -> buf[len++] = 'r';
        default -> {
          buf[len++] = 'u';
          buf[len++] = '0';
          buf[len++] = '0';
          buf[len++] = HEX[c >> 4];
          buf[len++] = HEX[c & 0xF];
        }
      }
    }
  }
}
