package io.meshscope.schemas;

import java.time.Instant;
import java.util.List;

/**
 * One Envoy access-log entry, normalized: the value of {@code meshscope.access-logs}, keyed by the
 * calling workload {@code namespace/name}. Schema: {@code meshscope/schemas/access-record.schema.json}.
 *
 * @param startTime the entry's {@code start_time}: event time, which drives aging downstream
 * @param receivedAt when the receiver took the entry
 * @param reporter the proxy that logged it; absent when its stream sent no identity (then
 *     {@code flags} holds {@code NO_IDENTITY})
 * @param protocol {@code HTTP} or {@code TCP}
 * @param responseFlags Envoy's short response-flag codes, e.g. {@code NR}, {@code UF}
 * @param peerSans URI SANs of the peer certificate (mTLS identity), e.g. {@code spiffe://td/ns/N/sa/SA}
 * @param requestedServerName the SNI the downstream's TLS client hello named ({@code tls_sni_hostname}),
 *     also when Envoy only inspected the TLS and passed it through; absent without TLS
 * @param flags what the receiver noticed about the entry, e.g. {@code NO_IDENTITY}, {@code AUTHORITY_TRUNCATED}
 */
public record AccessRecord(
    int schemaVersion,
    Instant startTime,
    Instant receivedAt,
    Reporter reporter,
    String logName,
    String protocol,
    String httpVersion,
    UpstreamCluster upstreamCluster,
    String downstreamRemoteAddress,
    String downstreamLocalAddress,
    String downstreamDirectRemoteAddress,
    String upstreamRemoteAddress,
    HttpRequest request,
    Integer responseCode,
    String responseCodeDetails,
    List<String> responseFlags,
    long bytesReceived,
    long bytesSent,
    Long durationMicros,
    String routeName,
    List<String> peerSans,
    String requestedServerName,
    PeerMetadata upstreamPeer,
    PeerMetadata downstreamPeer,
    List<String> flags) {

  public static final int CURRENT_VERSION = 1;

  public AccessRecord {
    Collections2.requireVersion(schemaVersion, "AccessRecord");
    Collections2.require(startTime, "startTime");
    Collections2.require(receivedAt, "receivedAt");
    Collections2.requireText(protocol, "protocol");
    responseFlags = Collections2.list(responseFlags);
    peerSans = Collections2.list(peerSans);
    flags = Collections2.list(flags);
  }
}
