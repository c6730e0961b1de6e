package io.meshscope.receiver.domain;

import com.google.protobuf.Timestamp;
import io.envoyproxy.envoy.config.core.v3.RequestMethod;
import io.envoyproxy.envoy.data.accesslog.v3.HTTPAccessLogEntry;
import io.envoyproxy.envoy.data.accesslog.v3.TCPAccessLogEntry;
import io.meshscope.receiver.wire.RawEntry;
import io.meshscope.schemas.AccessRecord;
import io.meshscope.schemas.HttpRequest;
import io.meshscope.schemas.PeerMetadata;
import io.meshscope.schemas.UpstreamCluster;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns one Envoy access-log entry, with its stream's identity, into the {@link AccessRecord} of
 * {@code meshscope.access-logs}. Pure: no I/O, and every value from the entry is checked before it
 * is kept.
 */
public final class EntryNormalizer {

  /** The record, its Kafka key, and what was refused on the way. */
  public record Normalized(String key, AccessRecord record, List<Rejection> rejections) {}

  private EntryNormalizer() {}

  public static Normalized http(HTTPAccessLogEntry entry, StreamIdentity identity, Instant receivedAt) {
    return normalize(RawEntry.of(entry), identity, receivedAt, null);
  }

  /** As above, decoding peer metadata through {@code peers} when it is not null. */
  public static Normalized http(HTTPAccessLogEntry entry, StreamIdentity identity, Instant receivedAt,
      PeerMetadataMemo peers) {
    return normalize(RawEntry.of(entry), identity, receivedAt, peers);
  }

  public static Normalized tcp(TCPAccessLogEntry entry, StreamIdentity identity, Instant receivedAt) {
    return normalize(RawEntry.of(entry), identity, receivedAt, null);
  }

  /** As above, decoding peer metadata through {@code peers} when it is not null. */
  public static Normalized tcp(TCPAccessLogEntry entry, StreamIdentity identity, Instant receivedAt,
      PeerMetadataMemo peers) {
    return normalize(RawEntry.of(entry), identity, receivedAt, peers);
  }

  /** An HTTP or TCP entry, however it was read; {@code peers} may be null. */
  public static Normalized normalize(RawEntry entry, StreamIdentity identity, Instant receivedAt,
      PeerMetadataMemo peers) {
    List<Rejection> rejections = new ArrayList<>();
    Set<String> flags = new LinkedHashSet<>();
    RawEntry.Http http = entry.http();
    if (http == null) {
      return build(entry, identity, receivedAt, "TCP", null, null, null, null, entry.tcpReceivedBytes(),
          entry.tcpSentBytes(), flags, rejections, peers);
    }
    String authority = FieldValues.checked(http.authority(), FieldValues.MAX_AUTHORITY,
        Rejection.AUTHORITY_TOO_LONG, rejections);
    if (authority == null && !http.authority().isEmpty()) {
      flags.add("AUTHORITY_REJECTED");
    }
    String path = http.path();
    if (path.length() > FieldValues.MAX_PATH) {
      path = path.substring(0, FieldValues.MAX_PATH);
      flags.add("PATH_TRUNCATED");
    }
    path = FieldValues.checked(path, FieldValues.MAX_PATH, Rejection.FIELD_TOO_LONG, rejections);
    if (path == null && !http.path().isEmpty()) {
      flags.add("PATH_REJECTED");
    }
    RequestMethod method = RequestMethod.forNumber(http.method());
    HttpRequest request = new HttpRequest(
        method == null || method == RequestMethod.METHOD_UNSPECIFIED ? null : method.name(),
        FieldValues.checked(http.scheme(), 16, Rejection.FIELD_TOO_LONG, rejections),
        authority,
        path);
    HTTPAccessLogEntry.HTTPVersion v = HTTPAccessLogEntry.HTTPVersion.forNumber(http.protocolVersion());
    String version = v == null || v == HTTPAccessLogEntry.HTTPVersion.PROTOCOL_UNSPECIFIED ? null : v.name();
    return build(entry, identity, receivedAt, "HTTP", version, request, http.responseCode(),
        FieldValues.checked(http.responseCodeDetails(), rejections),
        http.requestHeadersBytes() + http.requestBodyBytes(),
        http.responseHeadersBytes() + http.responseBodyBytes(),
        flags, rejections, peers);
  }

  private static Normalized build(
      RawEntry common, StreamIdentity identity, Instant receivedAt, String protocol, String httpVersion,
      HttpRequest request, Integer responseCode, String responseCodeDetails, long bytesReceived, long bytesSent,
      Set<String> flags, List<Rejection> rejections, PeerMetadataMemo peers) {
    if (!identity.known()) {
      Rejection why = identity.rejections().contains(Rejection.IDENTITY_MISMATCH) ? Rejection.IDENTITY_MISMATCH
          : identity.rejections().contains(Rejection.INVALID_IDENTITY) ? Rejection.INVALID_IDENTITY
          : Rejection.NO_IDENTITY;
      flags.add(why.name());
      rejections.add(why);
    }
    Instant start;
    if (common.startTime() == null) {
      flags.add("NO_START_TIME");
      start = receivedAt;
    } else {
      start = instant(common.startTime().seconds(), common.startTime().nanos());
    }
    String clusterName = FieldValues.checked(common.upstreamCluster(), rejections);
    if (clusterName == null && !common.upstreamCluster().isEmpty()) {
      flags.add("CLUSTER_REJECTED");
    }
    UpstreamCluster cluster = ClusterNames.parse(clusterName);
    PeerMetadata upstreamPeer = PeerMetadataDecoder.decode(common.peers(), true, rejections, peers);
    PeerMetadata downstreamPeer = PeerMetadataDecoder.decode(common.peers(), false, rejections, peers);

    AccessRecord record = new AccessRecord(
        AccessRecord.CURRENT_VERSION,
        start,
        receivedAt,
        identity.reporter(),
        identity.logName(),
        protocol,
        httpVersion,
        cluster,
        address(common.downstreamRemote(), rejections),
        address(common.downstreamLocal(), rejections),
        address(common.downstreamDirectRemote(), rejections),
        address(common.upstreamRemote(), rejections),
        request,
        responseCode,
        responseCodeDetails,
        responseFlags(common.responseFlags()),
        Math.max(0, bytesReceived),
        Math.max(0, bytesSent),
        common.duration() == null ? null : micros(common.duration()),
        FieldValues.checked(common.routeName(), rejections),
        peerSans(common.peerSans(), rejections),
        // A host name: DNS caps one at 253 characters, so a longer SNI is refused, not cut.
        FieldValues.checked(common.requestedServerName(), 253, Rejection.FIELD_TOO_LONG, rejections),
        upstreamPeer,
        downstreamPeer,
        List.copyOf(flags));
    return new Normalized(CallerKey.of(record), record, rejections);
  }

  static Instant instant(Timestamp ts) {
    return instant(ts.getSeconds(), ts.getNanos());
  }

  static Instant instant(long epochSeconds, int nanoOfSecond) {
    // Clamp what Instant cannot hold instead of failing on a forged timestamp.
    long seconds = Math.max(-31_557_014_167_219_200L, Math.min(31_556_889_864_403_199L, epochSeconds));
    int nanos = Math.max(0, Math.min(999_999_999, nanoOfSecond));
    return Instant.ofEpochSecond(seconds, nanos);
  }

  private static Long micros(RawEntry.Time d) {
    if (d.seconds() < 0 || d.nanos() < 0) {
      return null;
    }
    // Both clamped: a forged duration must not overflow into a negative one.
    long seconds = Math.min(d.seconds(), Long.MAX_VALUE / 1_000_000 - 1);
    return seconds * 1_000_000 + Math.min(d.nanos(), 999_999_999) / 1_000;
  }

  static String address(RawEntry.RawAddress address, List<Rejection> rejections) {
    if (address == null) {
      return null;
    }
    return switch (address.kind()) {
      case SOCKET -> {
        String ip = FieldValues.checked(address.text(), 64, Rejection.FIELD_TOO_LONG, rejections);
        if (ip == null) {
          yield null;
        }
        int port = address.port();
        yield ip.indexOf(':') >= 0 ? "[" + ip + "]:" + port : ip + ":" + port;
      }
      case PIPE -> {
        String path = FieldValues.checked(address.text(), rejections);
        yield path == null ? null : "unix:" + path;
      }
      case ENVOY_INTERNAL -> {
        String name = FieldValues.checked(address.text(), rejections);
        yield name == null ? null : "envoy://" + name;
      }
    };
  }

  private static List<String> peerSans(List<String> values, List<Rejection> rejections) {
    List<String> sans = new ArrayList<>();
    for (String value : values) {
      String checked = FieldValues.checked(value, rejections);
      if (checked != null) {
        sans.add(checked);
      }
      if (sans.size() == 8) {
        break; // a certificate with more SANs than that is not a workload certificate
      }
    }
    return sans;
  }

  /** Envoy's short codes (as in {@code %RESPONSE_FLAGS%}), by {@code ResponseFlags} field number less one. */
  private static final String[] FLAG_CODES = {
      "LH", "UH", "UT", "LR", "UR", "UF", "UC", "UO", "NR", "DI", "FI", "RL", "UAEX", "RLSE", "DC", "URX", "SI", "IH",
      "DPE", "UMSDR", "RFCF", "NFCF", "DT", "UPE", "NC", "OM", "DF", "DR"};

  /** The codes of the set bits of {@link RawEntry#responseFlags()}, in the proto's field order. */
  public static List<String> responseFlags(int bits) {
    if (bits == 0) {
      return new ArrayList<>(0);
    }
    List<String> out = new ArrayList<>(Integer.bitCount(bits));
    for (int i = 0; i < FLAG_CODES.length; i++) {
      if ((bits & 1 << i) != 0) {
        out.add(FLAG_CODES[i]);
      }
    }
    return out;
  }
}
