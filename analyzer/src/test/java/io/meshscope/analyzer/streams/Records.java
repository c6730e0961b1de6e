package io.meshscope.analyzer.streams;

import com.google.protobuf.Value;
import io.envoyproxy.envoy.data.accesslog.v3.HTTPAccessLogEntry;
import io.envoyproxy.envoy.data.accesslog.v3.ResponseFlags;
import io.envoyproxy.envoy.data.accesslog.v3.TCPAccessLogEntry;
import io.envoyproxy.envoy.data.accesslog.v3.TLSProperties;
import io.meshscope.receiver.domain.EntryNormalizer;
import io.meshscope.receiver.domain.IdentityParser;
import io.meshscope.receiver.domain.StreamIdentity;
import io.meshscope.client.simulate.Entries;
import io.meshscope.schemas.AccessRecord;
import java.time.Instant;

/** Access records made as the receiver makes them: Envoy protos through its normalizer. */
final class Records {
  private Records() {}

  static StreamIdentity sidecar(String ns, String app, String version, String ip) {
    return IdentityParser.parse(Entries.identity("sidecar", ns, app, version, app + "-" + version + "-pod", ip));
  }

  /** A sidecar whose pod runs as {@code serviceAccount} rather than {@code bookinfo-<app>}. */
  static StreamIdentity sidecar(String ns, String app, String version, String ip, String serviceAccount) {
    var id = Entries.identity("sidecar", ns, app, version, app + "-" + version + "-pod", ip).toBuilder();
    id.getNodeBuilder().getMetadataBuilder().putFields("SERVICE_ACCOUNT",
        Value.newBuilder().setStringValue(serviceAccount).build());
    return IdentityParser.parse(id.build());
  }

  static StreamIdentity gateway(String ns, String app, String ip) {
    return IdentityParser.parse(Entries.identity("router", ns, app, null, app + "-pod", ip));
  }

  static AccessRecord outbound(StreamIdentity who, Instant at, String host, int port) {
    return EntryNormalizer.http(Entries.outboundHttp(at, host, port, "/", 200), who, at).record();
  }

  static AccessRecord tcp(StreamIdentity who, Instant at, String host, int port) {
    return EntryNormalizer.tcp(Entries.outboundTcp(at, host, port, 10, 10), who, at).record();
  }

  static AccessRecord withCluster(StreamIdentity who, Instant at, String cluster, String authority, boolean noRoute) {
    HTTPAccessLogEntry e = Entries.outboundHttp(at, "x.example.com", 80, "/", noRoute ? 404 : 200);
    var common = e.getCommonProperties().toBuilder().setUpstreamCluster(cluster);
    if (noRoute) {
      common.setResponseFlags(ResponseFlags.newBuilder().setNoRouteFound(true));
    }
    e = e.toBuilder().setCommonProperties(common).setRequest(e.getRequest().toBuilder().setAuthority(authority)).build();
    return EntryNormalizer.http(e, who, at).record();
  }

  static AccessRecord inbound(StreamIdentity callee, Instant at, int port, String callerNs, String callerApp,
      String callerVersion, String callerIp) {
    return EntryNormalizer.http(Entries.inboundHttp(at, port, "/", callerNs, callerApp, callerVersion,
        callerApp + "-pod", callerIp), callee, at).record();
  }

  static AccessRecord inboundWithoutPeer(StreamIdentity callee, Instant at, int port, String callerIp) {
    HTTPAccessLogEntry e = Entries.inboundHttp(at, port, "/", "x", "x", null, "x", callerIp);
    e = e.toBuilder().setCommonProperties(e.getCommonProperties().toBuilder().clearFilterStateObjects()).build();
    return EntryNormalizer.http(e, callee, at).record();
  }

  /** An inbound call over mTLS whose caller sent no peer metadata: only its certificate names it. */
  static AccessRecord inboundByCertificate(StreamIdentity callee, Instant at, int port, String callerIp, String san) {
    HTTPAccessLogEntry e = Entries.inboundHttp(at, port, "/", "x", "x", null, "x", callerIp);
    var common = e.getCommonProperties().toBuilder().clearFilterStateObjects().setTlsProperties(
        TLSProperties.newBuilder().setPeerCertificateProperties(TLSProperties.CertificateProperties.newBuilder()
            .addSubjectAltName(TLSProperties.CertificateProperties.SubjectAltName.newBuilder().setUri(san))));
    return EntryNormalizer.http(e.toBuilder().setCommonProperties(common).build(), callee, at).record();
  }

  static AccessRecord inboundTcp(StreamIdentity callee, Instant at, int port, String callerNs, String callerApp,
      String callerIp) {
    TCPAccessLogEntry e = Entries.inboundTcp(at, port, callerNs, callerApp, "v1", callerApp + "-pod", callerIp);
    return EntryNormalizer.tcp(e, callee, at).record();
  }
}
