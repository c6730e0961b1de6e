package io.meshscope.receiver.wire;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.data.accesslog.v3.AccessLogCommon;
import io.envoyproxy.envoy.data.accesslog.v3.HTTPAccessLogEntry;
import io.envoyproxy.envoy.data.accesslog.v3.HTTPRequestProperties;
import io.envoyproxy.envoy.data.accesslog.v3.HTTPResponseProperties;
import io.envoyproxy.envoy.data.accesslog.v3.ResponseFlags;
import io.envoyproxy.envoy.data.accesslog.v3.TCPAccessLogEntry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The fields of one Envoy access-log entry that the normalizer reads, as they were on the wire: not
 * yet checked, absent strings empty, as protobuf's getters give them. It comes either from a
 * protobuf-java message ({@link #of(HTTPAccessLogEntry)}, for tests, replays and the simulator) or
 * straight from the bytes of a gRPC message ({@link WireDecoder}), which skips every other field.
 *
 * @param startTime null when the entry has none
 * @param duration null when the entry has none
 * @param responseFlags bit {@code n - 1} set for {@code ResponseFlags} field {@code n}; field 13 (a
 *     message) counts when present
 * @param peerSans the URI or DNS value of each subject alternative name, in order
 * @param requestedServerName {@code tls_properties.tls_sni_hostname}: current Envoy sets it whenever
 *     its TLS inspector read an SNI, also on connections it passes through without terminating TLS
 * @param http null for a TCP entry
 */
public record RawEntry(
    Time startTime,
    Time duration,
    String upstreamCluster,
    String routeName,
    RawAddress downstreamRemote,
    RawAddress downstreamLocal,
    RawAddress downstreamDirectRemote,
    RawAddress upstreamRemote,
    int responseFlags,
    List<String> peerSans,
    String requestedServerName,
    PeerState peers,
    Http http,
    long tcpReceivedBytes,
    long tcpSentBytes) {

  /** A {@code google.protobuf.Timestamp} or {@code Duration}. */
  public record Time(long seconds, int nanos) {}

  /** An {@code Address} with its oneof set; {@code port} is 0 unless a socket address has a numeric port. */
  public record RawAddress(Kind kind, String text, int port) {
    public enum Kind { SOCKET, PIPE, ENVOY_INTERNAL }
  }

  /**
   * An {@code Any} from {@code filter_state_objects}. The value is an array, not a ByteString, so
   * that {@link PeerMetadataMemo} compares it with {@link Arrays#equals(byte[], byte[])}, which the
   * JIT vectorizes; ByteString compares and hashes byte by byte. Equal by content.
   */
  public record FilterValue(String typeUrl, byte[] value) {
    static final FilterValue EMPTY = new FilterValue("", new byte[0]);

    @Override
    public boolean equals(Object o) {
      return o instanceof FilterValue f && typeUrl.equals(f.typeUrl) && Arrays.equals(value, f.value);
    }

    @Override
    public int hashCode() {
      return typeUrl.hashCode() * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return "FilterValue[" + typeUrl + ", " + value.length + " bytes]";
    }
  }

  /** The four filter-state keys that can carry peer metadata; null where the key is absent. */
  public record PeerState(FilterValue upstream, FilterValue wasmUpstream, FilterValue downstream,
      FilterValue wasmDownstream) {
    public static final PeerState NONE = new PeerState(null, null, null, null);
    public static final String UPSTREAM = "upstream_peer";
    public static final String WASM_UPSTREAM = "wasm.upstream_peer";
    public static final String DOWNSTREAM = "downstream_peer";
    public static final String WASM_DOWNSTREAM = "wasm.downstream_peer";

    public static PeerState of(Map<String, Any> filterState) {
      if (filterState.isEmpty()) {
        return NONE;
      }
      return new PeerState(value(filterState.get(UPSTREAM)), value(filterState.get(WASM_UPSTREAM)),
          value(filterState.get(DOWNSTREAM)), value(filterState.get(WASM_DOWNSTREAM)));
    }

    /** The same with {@code key}'s value replaced, or this when the key is not one of the four. */
    PeerState with(String key, FilterValue v) {
      return switch (key) {
        case UPSTREAM -> new PeerState(v, wasmUpstream, downstream, wasmDownstream);
        case WASM_UPSTREAM -> new PeerState(upstream, v, downstream, wasmDownstream);
        case DOWNSTREAM -> new PeerState(upstream, wasmUpstream, v, wasmDownstream);
        case WASM_DOWNSTREAM -> new PeerState(upstream, wasmUpstream, downstream, v);
        default -> this;
      };
    }

    private static FilterValue value(Any any) {
      return any == null ? null : new FilterValue(any.getTypeUrl(), any.getValue().toByteArray());
    }
  }

  /** The request and response of an HTTP entry; enums as their numbers, unknown ones included. */
  public record Http(
      int protocolVersion,
      int method,
      String scheme,
      String authority,
      String path,
      long requestHeadersBytes,
      long requestBodyBytes,
      Integer responseCode,
      String responseCodeDetails,
      long responseHeadersBytes,
      long responseBodyBytes) {}

  public boolean isHttp() {
    return http != null;
  }

  public static RawEntry of(HTTPAccessLogEntry e) {
    HTTPRequestProperties req = e.getRequest();
    HTTPResponseProperties resp = e.getResponse();
    Http http = new Http(e.getProtocolVersionValue(), req.getRequestMethodValue(), req.getScheme(),
        req.getAuthority(), req.getPath(), req.getRequestHeadersBytes(), req.getRequestBodyBytes(),
        resp.hasResponseCode() ? resp.getResponseCode().getValue() : null, resp.getResponseCodeDetails(),
        resp.getResponseHeadersBytes(), resp.getResponseBodyBytes());
    return of(e.getCommonProperties(), http, 0, 0);
  }

  public static RawEntry of(TCPAccessLogEntry e) {
    return of(e.getCommonProperties(), null, e.getConnectionProperties().getReceivedBytes(),
        e.getConnectionProperties().getSentBytes());
  }

  private static RawEntry of(AccessLogCommon c, Http http, long received, long sent) {
    List<String> sans = new ArrayList<>();
    for (var san : c.getTlsProperties().getPeerCertificateProperties().getSubjectAltNameList()) {
      switch (san.getSanCase()) {
        case URI -> sans.add(san.getUri());
        case DNS -> sans.add(san.getDns());
        default -> { }
      }
    }
    return new RawEntry(
        c.hasStartTime() ? new Time(c.getStartTime().getSeconds(), c.getStartTime().getNanos()) : null,
        c.hasDuration() ? new Time(c.getDuration().getSeconds(), c.getDuration().getNanos()) : null,
        c.getUpstreamCluster(),
        c.getRouteName(),
        address(c.getDownstreamRemoteAddress()),
        address(c.getDownstreamLocalAddress()),
        address(c.getDownstreamDirectRemoteAddress()),
        address(c.getUpstreamRemoteAddress()),
        flags(c.getResponseFlags()),
        sans,
        c.getTlsProperties().getTlsSniHostname(),
        PeerState.of(c.getFilterStateObjectsMap()),
        http,
        received,
        sent);
  }

  private static RawAddress address(Address a) {
    return switch (a.getAddressCase()) {
      case SOCKET_ADDRESS -> new RawAddress(RawAddress.Kind.SOCKET, a.getSocketAddress().getAddress(),
          a.getSocketAddress().getPortValue());
      case PIPE -> new RawAddress(RawAddress.Kind.PIPE, a.getPipe().getPath(), 0);
      case ENVOY_INTERNAL_ADDRESS -> new RawAddress(RawAddress.Kind.ENVOY_INTERNAL,
          a.getEnvoyInternalAddress().getServerListenerName(), 0);
      default -> null;
    };
  }

  /** By field number, so that the wire decoder can set the same bits without a table of its own. */
  private static int flags(ResponseFlags f) {
    boolean[] set = {
        f.getFailedLocalHealthcheck(), f.getNoHealthyUpstream(), f.getUpstreamRequestTimeout(), f.getLocalReset(),
        f.getUpstreamRemoteReset(), f.getUpstreamConnectionFailure(), f.getUpstreamConnectionTermination(),
        f.getUpstreamOverflow(), f.getNoRouteFound(), f.getDelayInjected(), f.getFaultInjected(),
        f.getRateLimited(), f.hasUnauthorizedDetails(), f.getRateLimitServiceError(),
        f.getDownstreamConnectionTermination(), f.getUpstreamRetryLimitExceeded(), f.getStreamIdleTimeout(),
        f.getInvalidEnvoyRequestHeaders(), f.getDownstreamProtocolError(), f.getUpstreamMaxStreamDurationReached(),
        f.getResponseFromCacheFilter(), f.getNoFilterConfigFound(), f.getDurationTimeout(),
        f.getUpstreamProtocolError(), f.getNoClusterFound(), f.getOverloadManager(), f.getDnsResolutionFailure(),
        f.getDownstreamRemoteReset()};
    int bits = 0;
    for (int i = 0; i < set.length; i++) {
      if (set[i]) {
        bits |= 1 << i;
      }
    }
    return bits;
  }
}
