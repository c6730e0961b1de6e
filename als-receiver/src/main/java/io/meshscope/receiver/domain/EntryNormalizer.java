package io.meshscope.receiver.domain;

import com.google.protobuf.Any;
import com.google.protobuf.Timestamp;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.RequestMethod;
import io.envoyproxy.envoy.data.accesslog.v3.AccessLogCommon;
import io.envoyproxy.envoy.data.accesslog.v3.HTTPAccessLogEntry;
import io.envoyproxy.envoy.data.accesslog.v3.HTTPRequestProperties;
import io.envoyproxy.envoy.data.accesslog.v3.HTTPResponseProperties;
import io.envoyproxy.envoy.data.accesslog.v3.ResponseFlags;
import io.envoyproxy.envoy.data.accesslog.v3.TCPAccessLogEntry;
import io.envoyproxy.envoy.data.accesslog.v3.TLSProperties;
import io.meshscope.schemas.AccessRecord;
import io.meshscope.schemas.HttpRequest;
import io.meshscope.schemas.PeerMetadata;
import io.meshscope.schemas.UpstreamCluster;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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
    return http(entry, identity, receivedAt, null);
  }

  /** As above, decoding peer metadata through {@code peers} when it is not null. */
  public static Normalized http(HTTPAccessLogEntry entry, StreamIdentity identity, Instant receivedAt,
      PeerMetadataMemo peers) {
    List<Rejection> rejections = new ArrayList<>();
    HTTPRequestProperties req = entry.getRequest();
    HTTPResponseProperties resp = entry.getResponse();
    String authority = FieldValues.checked(req.getAuthority(), FieldValues.MAX_AUTHORITY,
        Rejection.AUTHORITY_TOO_LONG, rejections);
    Set<String> flags = new LinkedHashSet<>();
    if (authority == null && !req.getAuthority().isEmpty()) {
      flags.add("AUTHORITY_REJECTED");
    }
    String path = req.getPath();
    if (path.length() > FieldValues.MAX_PATH) {
      path = path.substring(0, FieldValues.MAX_PATH);
      flags.add("PATH_TRUNCATED");
    }
    path = FieldValues.checked(path, FieldValues.MAX_PATH, Rejection.FIELD_TOO_LONG, rejections);
    if (path == null && !req.getPath().isEmpty()) {
      flags.add("PATH_REJECTED");
    }
    RequestMethod method = req.getRequestMethod();
    HttpRequest request = new HttpRequest(
        method == RequestMethod.METHOD_UNSPECIFIED || method == RequestMethod.UNRECOGNIZED ? null : method.name(),
        FieldValues.checked(req.getScheme(), 16, Rejection.FIELD_TOO_LONG, rejections),
        authority,
        path);
    String version = switch (entry.getProtocolVersion()) {
      case HTTP10, HTTP11, HTTP2, HTTP3 -> entry.getProtocolVersion().name();
      default -> null;
    };
    return build(entry.getCommonProperties(), identity, receivedAt, "HTTP", version, request,
        resp.hasResponseCode() ? resp.getResponseCode().getValue() : null,
        FieldValues.checked(resp.getResponseCodeDetails(), rejections),
        req.getRequestHeadersBytes() + req.getRequestBodyBytes(),
        resp.getResponseHeadersBytes() + resp.getResponseBodyBytes(),
        flags, rejections, peers);
  }

  public static Normalized tcp(TCPAccessLogEntry entry, StreamIdentity identity, Instant receivedAt) {
    return tcp(entry, identity, receivedAt, null);
  }

  /** As above, decoding peer metadata through {@code peers} when it is not null. */
  public static Normalized tcp(TCPAccessLogEntry entry, StreamIdentity identity, Instant receivedAt,
      PeerMetadataMemo peers) {
    List<Rejection> rejections = new ArrayList<>();
    return build(entry.getCommonProperties(), identity, receivedAt, "TCP", null, null, null, null,
        entry.getConnectionProperties().getReceivedBytes(), entry.getConnectionProperties().getSentBytes(),
        new LinkedHashSet<>(), rejections, peers);
  }

  private static Normalized build(
      AccessLogCommon common, StreamIdentity identity, Instant receivedAt, String protocol, String httpVersion,
      HttpRequest request, Integer responseCode, String responseCodeDetails, long bytesReceived, long bytesSent,
      Set<String> flags, List<Rejection> rejections, PeerMetadataMemo peers) {
    if (!identity.known()) {
      flags.add(identity.rejections().contains(Rejection.INVALID_IDENTITY) ? "INVALID_IDENTITY" : "NO_IDENTITY");
      rejections.add(identity.rejections().contains(Rejection.INVALID_IDENTITY)
          ? Rejection.INVALID_IDENTITY : Rejection.NO_IDENTITY);
    }
    Instant start = instant(common.getStartTime());
    if (!common.hasStartTime()) {
      flags.add("NO_START_TIME");
      start = receivedAt;
    }
    String clusterName = FieldValues.checked(common.getUpstreamCluster(), rejections);
    if (clusterName == null && !common.getUpstreamCluster().isEmpty()) {
      flags.add("CLUSTER_REJECTED");
    }
    UpstreamCluster cluster = ClusterNames.parse(clusterName);
    Map<String, Any> filterState = common.getFilterStateObjectsMap();
    PeerMetadata upstreamPeer = PeerMetadataDecoder.decode(filterState, true, rejections, peers);
    PeerMetadata downstreamPeer = PeerMetadataDecoder.decode(filterState, false, rejections, peers);

    AccessRecord record = new AccessRecord(
        AccessRecord.CURRENT_VERSION,
        start,
        receivedAt,
        identity.reporter(),
        identity.logName(),
        protocol,
        httpVersion,
        cluster,
        address(common.getDownstreamRemoteAddress(), rejections),
        address(common.getDownstreamLocalAddress(), rejections),
        address(common.getDownstreamDirectRemoteAddress(), rejections),
        address(common.getUpstreamRemoteAddress(), rejections),
        request,
        responseCode,
        responseCodeDetails,
        responseFlags(common.getResponseFlags()),
        Math.max(0, bytesReceived),
        Math.max(0, bytesSent),
        common.hasDuration() ? micros(common.getDuration()) : null,
        FieldValues.checked(common.getRouteName(), rejections),
        peerSans(common.getTlsProperties(), rejections),
        upstreamPeer,
        downstreamPeer,
        List.copyOf(flags));
    return new Normalized(CallerKey.of(record), record, rejections);
  }

  static Instant instant(Timestamp ts) {
    // Clamp what Instant cannot hold instead of failing on a forged timestamp.
    long seconds = Math.max(-31_557_014_167_219_200L, Math.min(31_556_889_864_403_199L, ts.getSeconds()));
    int nanos = Math.max(0, Math.min(999_999_999, ts.getNanos()));
    return Instant.ofEpochSecond(seconds, nanos);
  }

  private static Long micros(com.google.protobuf.Duration d) {
    if (d.getSeconds() < 0 || d.getNanos() < 0) {
      return null;
    }
    long seconds = Math.min(d.getSeconds(), Long.MAX_VALUE / 1_000_000 - 1);
    return seconds * 1_000_000 + d.getNanos() / 1_000;
  }

  static String address(Address address, List<Rejection> rejections) {
    return switch (address.getAddressCase()) {
      case SOCKET_ADDRESS -> {
        String ip = FieldValues.checked(address.getSocketAddress().getAddress(), 64, Rejection.FIELD_TOO_LONG,
            rejections);
        if (ip == null) {
          yield null;
        }
        int port = address.getSocketAddress().getPortValue();
        yield ip.indexOf(':') >= 0 ? "[" + ip + "]:" + port : ip + ":" + port;
      }
      case PIPE -> {
        String path = FieldValues.checked(address.getPipe().getPath(), rejections);
        yield path == null ? null : "unix:" + path;
      }
      case ENVOY_INTERNAL_ADDRESS -> {
        String name = FieldValues.checked(address.getEnvoyInternalAddress().getServerListenerName(), rejections);
        yield name == null ? null : "envoy://" + name;
      }
      default -> null;
    };
  }

  private static List<String> peerSans(TLSProperties tls, List<Rejection> rejections) {
    List<String> sans = new ArrayList<>();
    for (var san : tls.getPeerCertificateProperties().getSubjectAltNameList()) {
      String uri = switch (san.getSanCase()) {
        case URI -> san.getUri();
        case DNS -> san.getDns();
        default -> null;
      };
      String checked = FieldValues.checked(uri, rejections);
      if (checked != null) {
        sans.add(checked);
      }
      if (sans.size() == 8) {
        break; // a certificate with more SANs than that is not a workload certificate
      }
    }
    return sans;
  }

  /** Envoy's short codes (as in {@code %RESPONSE_FLAGS%}), in the proto's field order. */
  static List<String> responseFlags(ResponseFlags f) {
    List<String> out = new ArrayList<>();
    if (f.getFailedLocalHealthcheck()) out.add("LH");
    if (f.getNoHealthyUpstream()) out.add("UH");
    if (f.getUpstreamRequestTimeout()) out.add("UT");
    if (f.getLocalReset()) out.add("LR");
    if (f.getUpstreamRemoteReset()) out.add("UR");
    if (f.getUpstreamConnectionFailure()) out.add("UF");
    if (f.getUpstreamConnectionTermination()) out.add("UC");
    if (f.getUpstreamOverflow()) out.add("UO");
    if (f.getNoRouteFound()) out.add("NR");
    if (f.getDelayInjected()) out.add("DI");
    if (f.getFaultInjected()) out.add("FI");
    if (f.getRateLimited()) out.add("RL");
    if (f.hasUnauthorizedDetails()) out.add("UAEX");
    if (f.getRateLimitServiceError()) out.add("RLSE");
    if (f.getDownstreamConnectionTermination()) out.add("DC");
    if (f.getUpstreamRetryLimitExceeded()) out.add("URX");
    if (f.getStreamIdleTimeout()) out.add("SI");
    if (f.getInvalidEnvoyRequestHeaders()) out.add("IH");
    if (f.getDownstreamProtocolError()) out.add("DPE");
    if (f.getUpstreamMaxStreamDurationReached()) out.add("UMSDR");
    if (f.getResponseFromCacheFilter()) out.add("RFCF");
    if (f.getNoFilterConfigFound()) out.add("NFCF");
    if (f.getDurationTimeout()) out.add("DT");
    if (f.getUpstreamProtocolError()) out.add("UPE");
    if (f.getNoClusterFound()) out.add("NC");
    if (f.getOverloadManager()) out.add("OM");
    if (f.getDnsResolutionFailure()) out.add("DF");
    if (f.getDownstreamRemoteReset()) out.add("DR");
    return out;
  }
}
