package io.meshscope.client.simulate;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.core.v3.RequestMethod;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.data.accesslog.v3.AccessLogCommon;
import io.envoyproxy.envoy.data.accesslog.v3.ConnectionProperties;
import io.envoyproxy.envoy.data.accesslog.v3.HTTPAccessLogEntry;
import io.envoyproxy.envoy.data.accesslog.v3.HTTPRequestProperties;
import io.envoyproxy.envoy.data.accesslog.v3.HTTPResponseProperties;
import io.envoyproxy.envoy.data.accesslog.v3.TCPAccessLogEntry;
import io.envoyproxy.envoy.data.accesslog.v3.TLSProperties;
import io.envoyproxy.envoy.service.accesslog.v3.StreamAccessLogsMessage;
import java.time.Instant;
import java.util.Map;

/** Builds identities and entries the way an Istio sidecar or gateway fills them. */
public final class Entries {
  private Entries() {}

  /**
   * An Istio proxy's identifier: node id {@code role~ip~pod.ns~ns.svc.cluster.local} and metadata
   * with NAMESPACE, WORKLOAD_NAME, LABELS (app, version, canonical name), INSTANCE_IPS, ...
   */
  public static StreamAccessLogsMessage.Identifier identity(String role, String namespace, String app,
      String version, String pod, String ip) {
    return identity(role, namespace, app, version, pod, ip, Map.of());
  }

  /** As {@link #identity(String, String, String, String, String, String)}, the pod carrying {@code annotations}. */
  public static StreamAccessLogsMessage.Identifier identity(String role, String namespace, String app,
      String version, String pod, String ip, Map<String, String> annotations) {
    Struct.Builder labels = Struct.newBuilder()
        .putFields("app", string(app))
        .putFields("service.istio.io/canonical-name", string(app));
    if (version != null) {
      labels.putFields("version", string(version));
    }
    Struct metadata = Struct.newBuilder()
        .putFields("NAMESPACE", string(namespace))
        .putFields("NAME", string(pod))
        .putFields("WORKLOAD_NAME", string(version == null ? app : app + "-" + version))
        .putFields("LABELS", Value.newBuilder().setStructValue(labels).build())
        .putFields("INSTANCE_IPS", string(ip))
        .putFields("ISTIO_VERSION", string("1.30.3"))
        .putFields("CLUSTER_ID", string("Kubernetes"))
        .putFields("SERVICE_ACCOUNT", string("bookinfo-" + app))
        .putFields("ANNOTATIONS", Value.newBuilder().setStructValue(struct(annotations)).build())
        .build();
    Node node = Node.newBuilder()
        .setId(role + "~" + ip + "~" + pod + "." + namespace + "~" + namespace + ".svc.cluster.local")
        .setCluster(app + "." + namespace)
        .setMetadata(metadata)
        .build();
    return StreamAccessLogsMessage.Identifier.newBuilder().setNode(node).setLogName("http_envoy_accesslog").build();
  }

  /**
   * An outbound HTTP call through {@code outbound|port||host}, addressed as an app would: a mesh
   * service by its short name, any other host by its full name.
   */
  public static HTTPAccessLogEntry outboundHttp(Instant start, String host, int port, String path, int status) {
    String name = host.contains(".svc.") ? host.split("\\.", 2)[0] : host;
    return HTTPAccessLogEntry.newBuilder()
        .setProtocolVersion(HTTPAccessLogEntry.HTTPVersion.HTTP11)
        .setCommonProperties(common(start, "outbound|" + port + "||" + host, "10.96.0.10", port))
        .setRequest(HTTPRequestProperties.newBuilder()
            .setRequestMethod(RequestMethod.GET)
            .setScheme("http")
            .setAuthority(name + ":" + port)
            .setPath(path)
            .setRequestHeadersBytes(420))
        .setResponse(HTTPResponseProperties.newBuilder()
            .setResponseCode(UInt32Value.of(status))
            .setResponseCodeDetails("via_upstream")
            .setResponseHeadersBytes(180)
            .setResponseBodyBytes(1024))
        .build();
  }

  /**
   * The caller's entry for an HTTP call that its adaptive Sidecar sent to the fallback egress proxy:
   * no route knew {@code host}, so the catch-all virtual host {@code allow_any} sent it to
   * {@code outbound|80||<fallback>} with the authority unchanged (docs/adaptive.md, "What is learned").
   */
  public static HTTPAccessLogEntry throughFallback(Instant start, String host, int port, String path,
      String fallbackHost) {
    HTTPAccessLogEntry direct = outboundHttp(start, host, port, path, 200);
    return direct.toBuilder().setCommonProperties(direct.getCommonProperties().toBuilder()
        .setUpstreamCluster("outbound|80||" + fallbackHost)
        .setRouteName("allow_any")
        .setUpstreamRemoteAddress(address("10.44.0.3", 8080))).build();
  }

  /**
   * The fallback's own sidecar's inbound entry for such a call: {@code inbound|8080||}, the caller in
   * peer metadata and SAN, the authority the caller used.
   */
  public static HTTPAccessLogEntry fallbackInbound(Instant start, String authority, String callerNs,
      String callerApp, String callerVersion, String callerPod, String callerIp) {
    HTTPAccessLogEntry e = inboundHttp(start, 8080, "/", callerNs, callerApp, callerVersion, callerPod, callerIp);
    return e.toBuilder().setRequest(e.getRequest().toBuilder().setAuthority(authority)).build();
  }

  /** An outbound TCP connection, e.g. ratings to mongodb on 27017. */
  public static TCPAccessLogEntry outboundTcp(Instant start, String host, int port, long received, long sent) {
    return TCPAccessLogEntry.newBuilder()
        .setCommonProperties(common(start, "outbound|" + port + "||" + host, "10.96.0.20", port))
        .setConnectionProperties(ConnectionProperties.newBuilder().setReceivedBytes(received).setSentBytes(sent))
        .build();
  }

  /** The callee's side of an HTTP call: {@code inbound|port||}, the caller in peer metadata and mTLS SAN. */
  public static HTTPAccessLogEntry inboundHttp(Instant start, int port, String path, String callerNs, String callerApp,
      String callerVersion, String callerPod, String callerIp) {
    return HTTPAccessLogEntry.newBuilder()
        .setProtocolVersion(HTTPAccessLogEntry.HTTPVersion.HTTP11)
        .setCommonProperties(inbound(start, port, callerNs, callerApp, callerVersion, callerPod, callerIp))
        .setRequest(HTTPRequestProperties.newBuilder().setRequestMethod(RequestMethod.GET).setScheme("http")
            .setPath(path).setRequestHeadersBytes(420))
        .setResponse(HTTPResponseProperties.newBuilder().setResponseCode(UInt32Value.of(200))
            .setResponseCodeDetails("via_upstream").setResponseBodyBytes(1024))
        .build();
  }

  /** The callee's side of a TCP connection. */
  public static TCPAccessLogEntry inboundTcp(Instant start, int port, String callerNs, String callerApp,
      String callerVersion, String callerPod, String callerIp) {
    return TCPAccessLogEntry.newBuilder()
        .setCommonProperties(inbound(start, port, callerNs, callerApp, callerVersion, callerPod, callerIp))
        .setConnectionProperties(ConnectionProperties.newBuilder().setReceivedBytes(512).setSentBytes(4096))
        .build();
  }

  private static AccessLogCommon.Builder inbound(Instant start, int port, String callerNs, String callerApp,
      String callerVersion, String callerPod, String callerIp) {
    String sa = "spiffe://cluster.local/ns/" + callerNs + "/sa/bookinfo-" + callerApp;
    Struct.Builder peer = Struct.newBuilder()
        .putFields("type", string("deployment"))
        .putFields("namespace", string(callerNs))
        .putFields("workload", string(callerVersion == null ? callerApp : callerApp + "-" + callerVersion))
        .putFields("name", string(callerPod))
        .putFields("cluster", string("Kubernetes"))
        .putFields("service", string(callerApp))
        .putFields("app", string(callerApp));
    if (callerVersion != null) {
      peer.putFields("revision", string(callerVersion)).putFields("version", string(callerVersion));
    }
    return common(start, "inbound|" + port + "||", "10.44.9.9", port)
        .setDownstreamRemoteAddress(address(callerIp, 40000 + port % 1000))
        .setDownstreamDirectRemoteAddress(address(callerIp, 40000 + port % 1000))
        .putFilterStateObjects("downstream_peer", Any.pack(peer.build()))
        .setTlsProperties(TLSProperties.newBuilder()
            .setTlsVersion(TLSProperties.TLSVersion.TLSv1_3)
            .setPeerCertificateProperties(TLSProperties.CertificateProperties
                .newBuilder().addSubjectAltName(TLSProperties
                    .CertificateProperties.SubjectAltName.newBuilder().setUri(sa))));
  }

  static AccessLogCommon.Builder common(Instant start, String cluster, String serviceIp, int port) {
    return AccessLogCommon.newBuilder()
        .setStartTime(Timestamp.newBuilder().setSeconds(start.getEpochSecond()).setNanos(start.getNano()))
        .setUpstreamCluster(cluster)
        .setRouteName("default")
        .setDownstreamLocalAddress(address(serviceIp, port))
        .setDownstreamRemoteAddress(address("10.44.0.12", 43210))
        .setUpstreamRemoteAddress(address("10.44.1.9", port))
        .setDuration(Duration.newBuilder().setNanos(4_500_000));
  }

  static Address address(String ip, int port) {
    return Address.newBuilder().setSocketAddress(SocketAddress.newBuilder().setAddress(ip).setPortValue(port)).build();
  }

  static Value string(String s) {
    return Value.newBuilder().setStringValue(s).build();
  }

  /** Struct of strings, for peer metadata in filter state. */
  public static Struct struct(Map<String, String> fields) {
    Struct.Builder b = Struct.newBuilder();
    fields.forEach((k, v) -> b.putFields(k, string(v)));
    return b.build();
  }
}
