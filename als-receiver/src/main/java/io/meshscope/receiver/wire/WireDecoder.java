package io.meshscope.receiver.wire;

import com.google.protobuf.Any;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.ExtensionRegistryLite;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.EnvoyInternalAddress;
import io.envoyproxy.envoy.config.core.v3.Pipe;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.data.accesslog.v3.AccessLogCommon;
import io.envoyproxy.envoy.data.accesslog.v3.ConnectionProperties;
import io.envoyproxy.envoy.data.accesslog.v3.HTTPAccessLogEntry;
import io.envoyproxy.envoy.data.accesslog.v3.HTTPRequestProperties;
import io.envoyproxy.envoy.data.accesslog.v3.HTTPResponseProperties;
import io.envoyproxy.envoy.data.accesslog.v3.ResponseFlags;
import io.envoyproxy.envoy.data.accesslog.v3.TCPAccessLogEntry;
import io.envoyproxy.envoy.data.accesslog.v3.TLSProperties;
import io.envoyproxy.envoy.service.accesslog.v3.StreamAccessLogsMessage;
import io.meshscope.receiver.wire.RawEntry.FilterValue;
import io.meshscope.receiver.wire.RawEntry.Http;
import io.meshscope.receiver.wire.RawEntry.PeerState;
import io.meshscope.receiver.wire.RawEntry.RawAddress;
import io.meshscope.receiver.wire.RawEntry.Time;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a {@code StreamAccessLogsMessage} straight from its bytes into {@link RawEntry} values.
 * protobuf-java's generated parsers build every sub-message through builders and decode every
 * string, used or not; that was a third of the receiver's worker time. This reads only the fields
 * the normalizer uses and skips the rest (headers, user agent, request ids, timings...) unread,
 * with protobuf's own {@link CodedInputStream}. (A hand-written cursor in its place saved 0.3 us
 * an entry alone, but 5-6% end to end in three same-day runs, under the 10% that keeps
 * hand-written code here: docs/benchmarks.md, "Codecs".)
 *
 * <p>It keeps protobuf-java's rules, so that both ways give equal entries (a test holds it to that):
 * a later value of a field wins; a sub-message that occurs twice is merged; a oneof takes its last
 * case, and a case that comes back merges into its earlier value (protobuf-java keeps a builder per
 * case); a field with an unexpected wire type is an unknown field; a string must be UTF-8. It does
 * not look inside the fields it skips: a malformed or non-UTF-8 value there, which
 * protobuf-java would refuse with the whole message, is ignored like the rest of that field.
 */
public final class WireDecoder {
  private WireDecoder() {}

  /** What a message carried: the identifier when present, and its entries. */
  public record Batch(StreamAccessLogsMessage.Identifier identifier, Protocol protocol, List<RawEntry> entries) {}

  /** Which of the message's oneof was set; {@code NONE} for a message without entries. */
  public enum Protocol { HTTP, TCP, NONE }

  private static final int VARINT = WireFormat.WIRETYPE_VARINT;
  private static final int LEN = WireFormat.WIRETYPE_LENGTH_DELIMITED;

  // StreamAccessLogsMessage and its entry lists
  private static final int IDENTIFIER = StreamAccessLogsMessage.IDENTIFIER_FIELD_NUMBER << 3 | LEN;
  private static final int HTTP_LOGS = StreamAccessLogsMessage.HTTP_LOGS_FIELD_NUMBER << 3 | LEN;
  private static final int TCP_LOGS = StreamAccessLogsMessage.TCP_LOGS_FIELD_NUMBER << 3 | LEN;
  private static final int LOG_ENTRY = StreamAccessLogsMessage.HTTPAccessLogEntries.LOG_ENTRY_FIELD_NUMBER << 3 | LEN;
  // HTTPAccessLogEntry, TCPAccessLogEntry
  private static final int COMMON = HTTPAccessLogEntry.COMMON_PROPERTIES_FIELD_NUMBER << 3 | LEN;
  private static final int PROTOCOL_VERSION = HTTPAccessLogEntry.PROTOCOL_VERSION_FIELD_NUMBER << 3 | VARINT;
  private static final int REQUEST = HTTPAccessLogEntry.REQUEST_FIELD_NUMBER << 3 | LEN;
  private static final int RESPONSE = HTTPAccessLogEntry.RESPONSE_FIELD_NUMBER << 3 | LEN;
  private static final int TCP_COMMON = TCPAccessLogEntry.COMMON_PROPERTIES_FIELD_NUMBER << 3 | LEN;
  private static final int CONNECTION = TCPAccessLogEntry.CONNECTION_PROPERTIES_FIELD_NUMBER << 3 | LEN;
  private static final int RECEIVED_BYTES = ConnectionProperties.RECEIVED_BYTES_FIELD_NUMBER << 3 | VARINT;
  private static final int SENT_BYTES = ConnectionProperties.SENT_BYTES_FIELD_NUMBER << 3 | VARINT;
  // HTTPRequestProperties
  private static final int METHOD = HTTPRequestProperties.REQUEST_METHOD_FIELD_NUMBER << 3 | VARINT;
  private static final int SCHEME = HTTPRequestProperties.SCHEME_FIELD_NUMBER << 3 | LEN;
  private static final int AUTHORITY = HTTPRequestProperties.AUTHORITY_FIELD_NUMBER << 3 | LEN;
  private static final int PATH = HTTPRequestProperties.PATH_FIELD_NUMBER << 3 | LEN;
  private static final int REQUEST_HEADERS_BYTES =
      HTTPRequestProperties.REQUEST_HEADERS_BYTES_FIELD_NUMBER << 3 | VARINT;
  private static final int REQUEST_BODY_BYTES = HTTPRequestProperties.REQUEST_BODY_BYTES_FIELD_NUMBER << 3 | VARINT;
  // HTTPResponseProperties
  private static final int RESPONSE_CODE = HTTPResponseProperties.RESPONSE_CODE_FIELD_NUMBER << 3 | LEN;
  private static final int RESPONSE_HEADERS_BYTES =
      HTTPResponseProperties.RESPONSE_HEADERS_BYTES_FIELD_NUMBER << 3 | VARINT;
  private static final int RESPONSE_BODY_BYTES = HTTPResponseProperties.RESPONSE_BODY_BYTES_FIELD_NUMBER << 3 | VARINT;
  private static final int RESPONSE_CODE_DETAILS = HTTPResponseProperties.RESPONSE_CODE_DETAILS_FIELD_NUMBER << 3 | LEN;
  // AccessLogCommon
  private static final int DOWNSTREAM_REMOTE = AccessLogCommon.DOWNSTREAM_REMOTE_ADDRESS_FIELD_NUMBER << 3 | LEN;
  private static final int DOWNSTREAM_LOCAL = AccessLogCommon.DOWNSTREAM_LOCAL_ADDRESS_FIELD_NUMBER << 3 | LEN;
  private static final int DOWNSTREAM_DIRECT_REMOTE =
      AccessLogCommon.DOWNSTREAM_DIRECT_REMOTE_ADDRESS_FIELD_NUMBER << 3 | LEN;
  private static final int UPSTREAM_REMOTE = AccessLogCommon.UPSTREAM_REMOTE_ADDRESS_FIELD_NUMBER << 3 | LEN;
  private static final int TLS = AccessLogCommon.TLS_PROPERTIES_FIELD_NUMBER << 3 | LEN;
  private static final int START_TIME = AccessLogCommon.START_TIME_FIELD_NUMBER << 3 | LEN;
  private static final int UPSTREAM_CLUSTER = AccessLogCommon.UPSTREAM_CLUSTER_FIELD_NUMBER << 3 | LEN;
  private static final int RESPONSE_FLAGS = AccessLogCommon.RESPONSE_FLAGS_FIELD_NUMBER << 3 | LEN;
  private static final int ROUTE_NAME = AccessLogCommon.ROUTE_NAME_FIELD_NUMBER << 3 | LEN;
  private static final int FILTER_STATE = AccessLogCommon.FILTER_STATE_OBJECTS_FIELD_NUMBER << 3 | LEN;
  private static final int DURATION = AccessLogCommon.DURATION_FIELD_NUMBER << 3 | LEN;
  // TLSProperties and its certificate
  private static final int SNI = TLSProperties.TLS_SNI_HOSTNAME_FIELD_NUMBER << 3 | LEN;
  private static final int PEER_CERTIFICATE = TLSProperties.PEER_CERTIFICATE_PROPERTIES_FIELD_NUMBER << 3 | LEN;
  private static final int SUBJECT_ALT_NAME =
      TLSProperties.CertificateProperties.SUBJECT_ALT_NAME_FIELD_NUMBER << 3 | LEN;
  private static final int SAN_URI = TLSProperties.CertificateProperties.SubjectAltName.URI_FIELD_NUMBER << 3 | LEN;
  private static final int SAN_DNS = TLSProperties.CertificateProperties.SubjectAltName.DNS_FIELD_NUMBER << 3 | LEN;
  // Address and its three cases
  private static final int SOCKET_ADDRESS = Address.SOCKET_ADDRESS_FIELD_NUMBER << 3 | LEN;
  private static final int PIPE = Address.PIPE_FIELD_NUMBER << 3 | LEN;
  private static final int ENVOY_INTERNAL = Address.ENVOY_INTERNAL_ADDRESS_FIELD_NUMBER << 3 | LEN;
  private static final int SOCKET_IP = SocketAddress.ADDRESS_FIELD_NUMBER << 3 | LEN;
  private static final int PORT_VALUE = SocketAddress.PORT_VALUE_FIELD_NUMBER << 3 | VARINT;
  private static final int NAMED_PORT = SocketAddress.NAMED_PORT_FIELD_NUMBER << 3 | LEN;
  private static final int PIPE_PATH = Pipe.PATH_FIELD_NUMBER << 3 | LEN;
  private static final int LISTENER_NAME = EnvoyInternalAddress.SERVER_LISTENER_NAME_FIELD_NUMBER << 3 | LEN;
  // Timestamp and Duration, UInt32Value, map entries, Any
  private static final int SECONDS = 1 << 3 | VARINT;
  private static final int NANOS = 2 << 3 | VARINT;
  private static final int WRAPPED_VALUE = 1 << 3 | VARINT;
  private static final int MAP_KEY = 1 << 3 | LEN;
  private static final int MAP_VALUE = 2 << 3 | LEN;
  private static final int TYPE_URL = Any.TYPE_URL_FIELD_NUMBER << 3 | LEN;
  private static final int ANY_VALUE = Any.VALUE_FIELD_NUMBER << 3 | LEN;
  private static final int UNAUTHORIZED_DETAILS = ResponseFlags.UNAUTHORIZED_DETAILS_FIELD_NUMBER;

  /**
   * Entries one message may carry. An empty entry is two bytes on the wire but a few hundred on the
   * heap, so a 4 MiB message of them would outgrow the receiver's heap; Envoy flushes its buffer at
   * 16 KiB by default, a few hundred entries.
   */
  public static final int MAX_ENTRIES = 50_000;

  /**
   * The message in {@code bytes[offset, offset + length)}. Strings and bytes are copied out (no
   * aliasing), so the caller may reuse the array.
   */
  public static Batch decode(byte[] bytes, int offset, int length) throws InvalidProtocolBufferException {
    try {
      return decode(CodedInputStream.newInstance(bytes, offset, length));
    } catch (InvalidProtocolBufferException e) {
      throw e;
    } catch (IOException e) {
      // An array has no I/O to fail; CodedInputStream declares it for its stream-backed kinds.
      throw new InvalidProtocolBufferException(e);
    }
  }

  private static Batch decode(CodedInputStream in) throws IOException {
    StreamAccessLogsMessage.Identifier.Builder identifier = null;
    Protocol protocol = Protocol.NONE;
    // One list per case of the oneof, as protobuf-java keeps a builder per case: a case that comes
    // back (HTTP, TCP, HTTP) continues its earlier list.
    List<RawEntry> httpEntries = new ArrayList<>();
    List<RawEntry> tcpEntries = new ArrayList<>();
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (tag == IDENTIFIER) {
        // Once per stream, and IdentityParser reads protobuf's Node: the generated parser does.
        if (identifier == null) {
          identifier = StreamAccessLogsMessage.Identifier.newBuilder();
        }
        in.readMessage(identifier, ExtensionRegistryLite.getEmptyRegistry());
      } else if (tag == HTTP_LOGS || tag == TCP_LOGS) {
        Protocol p = tag == HTTP_LOGS ? Protocol.HTTP : Protocol.TCP;
        protocol = p;
        List<RawEntry> entries = p == Protocol.HTTP ? httpEntries : tcpEntries;
        int limit = in.pushLimit(in.readRawVarint32());
        for (int t = in.readTag(); t != 0; t = in.readTag()) {
          if (t == LOG_ENTRY) {
            if (httpEntries.size() + tcpEntries.size() == MAX_ENTRIES) {
              throw new InvalidProtocolBufferException("more than " + MAX_ENTRIES + " entries in one message");
            }
            entries.add(p == Protocol.HTTP ? httpEntry(in) : tcpEntry(in));
          } else if (!in.skipField(t)) {
            break;
          }
        }
        end(in, limit);
      } else if (!in.skipField(tag)) {
        break;
      }
    }
    in.checkLastTagWas(0);
    return new Batch(identifier == null ? null : identifier.build(), protocol,
        protocol == Protocol.HTTP ? httpEntries : protocol == Protocol.TCP ? tcpEntries : List.of());
  }

  /** Everything of an entry: the entry-level fields, and those of its common properties. */
  private static final class Entry {
    Time start;
    Time duration;
    String cluster = "";
    String route = "";
    final AddressState downstreamRemote = new AddressState();
    final AddressState downstreamLocal = new AddressState();
    final AddressState downstreamDirectRemote = new AddressState();
    final AddressState upstreamRemote = new AddressState();
    int flags;
    List<String> sans = List.of();
    String sni = "";
    PeerState peers = PeerState.NONE;

    RawEntry build(Http http, long received, long sent) {
      return new RawEntry(start, duration, cluster, route, downstreamRemote.value(), downstreamLocal.value(),
          downstreamDirectRemote.value(), upstreamRemote.value(), flags, sans, sni, peers, http, received, sent);
    }
  }

  /** An HTTP entry's own fields, filled as they come (request and response may each come twice). */
  private static final class HttpFields {
    int version;
    int method;
    String scheme = "";
    String authority = "";
    String path = "";
    long requestHeaders;
    long requestBody;
    Integer responseCode;
    String responseCodeDetails = "";
    long responseHeaders;
    long responseBody;

    Http build() {
      return new Http(version, method, scheme, authority, path, requestHeaders, requestBody, responseCode,
          responseCodeDetails, responseHeaders, responseBody);
    }
  }

  private static RawEntry httpEntry(CodedInputStream in) throws IOException {
    int limit = in.pushLimit(in.readRawVarint32());
    Entry e = new Entry();
    HttpFields http = new HttpFields();
    for (int t = in.readTag(); t != 0; t = in.readTag()) {
      if (t == COMMON) {
        common(in, e);
      } else if (t == PROTOCOL_VERSION) {
        http.version = in.readEnum();
      } else if (t == REQUEST) {
        request(in, http);
      } else if (t == RESPONSE) {
        response(in, http);
      } else if (!in.skipField(t)) {
        break;
      }
    }
    end(in, limit);
    return e.build(http.build(), 0, 0);
  }

  private static RawEntry tcpEntry(CodedInputStream in) throws IOException {
    int limit = in.pushLimit(in.readRawVarint32());
    Entry e = new Entry();
    long received = 0;
    long sent = 0;
    for (int t = in.readTag(); t != 0; t = in.readTag()) {
      if (t == TCP_COMMON) {
        common(in, e);
      } else if (t == CONNECTION) {
        int inner = in.pushLimit(in.readRawVarint32());
        for (int u = in.readTag(); u != 0; u = in.readTag()) {
          if (u == RECEIVED_BYTES) {
            received = in.readUInt64();
          } else if (u == SENT_BYTES) {
            sent = in.readUInt64();
          } else if (!in.skipField(u)) {
            break;
          }
        }
        end(in, inner);
      } else if (!in.skipField(t)) {
        break;
      }
    }
    end(in, limit);
    return e.build(null, received, sent);
  }

  private static void request(CodedInputStream in, HttpFields h) throws IOException {
    int limit = in.pushLimit(in.readRawVarint32());
    for (int t = in.readTag(); t != 0; t = in.readTag()) {
      if (t == METHOD) {
        h.method = in.readEnum();
      } else if (t == SCHEME) {
        h.scheme = in.readStringRequireUtf8();
      } else if (t == AUTHORITY) {
        h.authority = in.readStringRequireUtf8();
      } else if (t == PATH) {
        h.path = in.readStringRequireUtf8();
      } else if (t == REQUEST_HEADERS_BYTES) {
        h.requestHeaders = in.readUInt64();
      } else if (t == REQUEST_BODY_BYTES) {
        h.requestBody = in.readUInt64();
      } else if (!in.skipField(t)) {
        break;
      }
    }
    end(in, limit);
  }

  private static void response(CodedInputStream in, HttpFields h) throws IOException {
    int limit = in.pushLimit(in.readRawVarint32());
    for (int t = in.readTag(); t != 0; t = in.readTag()) {
      if (t == RESPONSE_CODE) {
        // A UInt32Value: present, even when empty, and merged with an earlier one.
        int inner = in.pushLimit(in.readRawVarint32());
        int value = h.responseCode == null ? 0 : h.responseCode;
        for (int u = in.readTag(); u != 0; u = in.readTag()) {
          if (u == WRAPPED_VALUE) {
            value = in.readUInt32();
          } else if (!in.skipField(u)) {
            break;
          }
        }
        end(in, inner);
        h.responseCode = value;
      } else if (t == RESPONSE_HEADERS_BYTES) {
        h.responseHeaders = in.readUInt64();
      } else if (t == RESPONSE_BODY_BYTES) {
        h.responseBody = in.readUInt64();
      } else if (t == RESPONSE_CODE_DETAILS) {
        h.responseCodeDetails = in.readStringRequireUtf8();
      } else if (!in.skipField(t)) {
        break;
      }
    }
    end(in, limit);
  }

  private static void common(CodedInputStream in, Entry e) throws IOException {
    int limit = in.pushLimit(in.readRawVarint32());
    for (int t = in.readTag(); t != 0; t = in.readTag()) {
      if (t == UPSTREAM_CLUSTER) {
        e.cluster = in.readStringRequireUtf8();
      } else if (t == START_TIME) {
        e.start = time(in, e.start);
      } else if (t == DURATION) {
        e.duration = time(in, e.duration);
      } else if (t == DOWNSTREAM_REMOTE) {
        address(in, e.downstreamRemote);
      } else if (t == DOWNSTREAM_LOCAL) {
        address(in, e.downstreamLocal);
      } else if (t == DOWNSTREAM_DIRECT_REMOTE) {
        address(in, e.downstreamDirectRemote);
      } else if (t == UPSTREAM_REMOTE) {
        address(in, e.upstreamRemote);
      } else if (t == ROUTE_NAME) {
        e.route = in.readStringRequireUtf8();
      } else if (t == RESPONSE_FLAGS) {
        e.flags = flags(in, e.flags);
      } else if (t == FILTER_STATE) {
        e.peers = filterState(in, e.peers);
      } else if (t == TLS) {
        tls(in, e);
      } else if (!in.skipField(t)) {
        break;
      }
    }
    end(in, limit);
  }

  private static Time time(CodedInputStream in, Time previous) throws IOException {
    int limit = in.pushLimit(in.readRawVarint32());
    long seconds = previous == null ? 0 : previous.seconds();
    int nanos = previous == null ? 0 : previous.nanos();
    for (int t = in.readTag(); t != 0; t = in.readTag()) {
      if (t == SECONDS) {
        seconds = in.readInt64();
      } else if (t == NANOS) {
        nanos = in.readInt32();
      } else if (!in.skipField(t)) {
        break;
      }
    }
    end(in, limit);
    return new Time(seconds, nanos);
  }

  /**
   * An address field's oneof: the case set last, and the value of every case seen, as protobuf-java
   * keeps a builder per case (a case that comes back merges into its earlier value).
   */
  private static final class AddressState {
    private final RawAddress[] byKind = new RawAddress[RawAddress.Kind.values().length];
    private RawAddress.Kind current;

    RawAddress value() {
      return current == null ? null : byKind[current.ordinal()];
    }
  }

  private static void address(CodedInputStream in, AddressState state) throws IOException {
    int limit = in.pushLimit(in.readRawVarint32());
    for (int t = in.readTag(); t != 0; t = in.readTag()) {
      RawAddress.Kind kind = t == SOCKET_ADDRESS ? RawAddress.Kind.SOCKET
          : t == PIPE ? RawAddress.Kind.PIPE
          : t == ENVOY_INTERNAL ? RawAddress.Kind.ENVOY_INTERNAL : null;
      if (kind == null) {
        if (!in.skipField(t)) {
          break;
        }
        continue;
      }
      RawAddress earlier = state.byKind[kind.ordinal()];
      state.byKind[kind.ordinal()] = oneAddress(in, earlier != null ? earlier : new RawAddress(kind, "", 0));
      state.current = kind;
    }
    end(in, limit);
  }

  private static RawAddress oneAddress(CodedInputStream in, RawAddress a) throws IOException {
    int limit = in.pushLimit(in.readRawVarint32());
    String text = a.text();
    int port = a.port();
    int textTag = switch (a.kind()) {
      case SOCKET -> SOCKET_IP;
      case PIPE -> PIPE_PATH;
      case ENVOY_INTERNAL -> LISTENER_NAME;
    };
    for (int t = in.readTag(); t != 0; t = in.readTag()) {
      if (t == textTag) {
        text = in.readStringRequireUtf8();
      } else if (a.kind() == RawAddress.Kind.SOCKET && t == PORT_VALUE) {
        port = in.readUInt32();
      } else if (a.kind() == RawAddress.Kind.SOCKET && t == NAMED_PORT) {
        // The other case of the port's oneof: the numeric port is gone.
        in.readStringRequireUtf8();
        port = 0;
      } else if (!in.skipField(t)) {
        break;
      }
    }
    end(in, limit);
    return new RawAddress(a.kind(), text, port);
  }

  private static int flags(CodedInputStream in, int bits) throws IOException {
    int limit = in.pushLimit(in.readRawVarint32());
    for (int t = in.readTag(); t != 0; t = in.readTag()) {
      int field = WireFormat.getTagFieldNumber(t);
      int type = WireFormat.getTagWireType(t);
      if (field == UNAUTHORIZED_DETAILS && type == LEN) {
        in.skipField(t);
        bits |= 1 << (field - 1);
      } else if (field >= 1 && field <= 28 && field != UNAUTHORIZED_DETAILS && type == VARINT) {
        bits = in.readBool() ? bits | 1 << (field - 1) : bits & ~(1 << (field - 1));
      } else if (!in.skipField(t)) {
        break;
      }
    }
    end(in, limit);
    return bits;
  }

  /** The SNI and the peer certificate's SANs; a repeated TLSProperties merges, as protobuf's does. */
  private static void tls(CodedInputStream in, Entry e) throws IOException {
    int limit = in.pushLimit(in.readRawVarint32());
    List<String> sans = e.sans;
    for (int t = in.readTag(); t != 0; t = in.readTag()) {
      if (t == SNI) {
        e.sni = in.readStringRequireUtf8();
      } else if (t == PEER_CERTIFICATE) {
        int cert = in.pushLimit(in.readRawVarint32());
        for (int u = in.readTag(); u != 0; u = in.readTag()) {
          if (u == SUBJECT_ALT_NAME) {
            String value = san(in);
            if (value != null) {
              if (sans.isEmpty()) {
                sans = new ArrayList<>(2);
              }
              sans.add(value);
            }
          } else if (!in.skipField(u)) {
            break;
          }
        }
        end(in, cert);
      } else if (!in.skipField(t)) {
        break;
      }
    }
    end(in, limit);
    e.sans = sans;
  }

  /** The SAN's URI or DNS value, whichever came last; null when it has neither. */
  private static String san(CodedInputStream in) throws IOException {
    int limit = in.pushLimit(in.readRawVarint32());
    String value = null;
    for (int t = in.readTag(); t != 0; t = in.readTag()) {
      if (t == SAN_URI || t == SAN_DNS) {
        value = in.readStringRequireUtf8();
      } else if (!in.skipField(t)) {
        break;
      }
    }
    end(in, limit);
    return value;
  }

  /** One map entry; a later entry with the same key replaces the earlier one, as in protobuf's map. */
  private static PeerState filterState(CodedInputStream in, PeerState peers) throws IOException {
    int limit = in.pushLimit(in.readRawVarint32());
    String key = "";
    FilterValue value = FilterValue.EMPTY;
    for (int t = in.readTag(); t != 0; t = in.readTag()) {
      if (t == MAP_KEY) {
        key = in.readStringRequireUtf8();
      } else if (t == MAP_VALUE) {
        value = any(in, value);
      } else if (!in.skipField(t)) {
        break;
      }
    }
    end(in, limit);
    return peers.with(key, value);
  }

  private static FilterValue any(CodedInputStream in, FilterValue previous) throws IOException {
    int limit = in.pushLimit(in.readRawVarint32());
    String typeUrl = previous.typeUrl();
    byte[] value = previous.value();
    for (int t = in.readTag(); t != 0; t = in.readTag()) {
      if (t == TYPE_URL) {
        typeUrl = in.readStringRequireUtf8();
      } else if (t == ANY_VALUE) {
        value = in.readByteArray();
      } else if (!in.skipField(t)) {
        break;
      }
    }
    end(in, limit);
    return new FilterValue(typeUrl, value);
  }

  /** Closes a sub-message: it must have ended on its length, not on an end-group tag. */
  private static void end(CodedInputStream in, int limit) throws IOException {
    in.checkLastTagWas(0);
    in.popLimit(limit);
  }
}
