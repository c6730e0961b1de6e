package io.meshscope.client.simulate;

import io.envoyproxy.envoy.data.accesslog.v3.HTTPAccessLogEntry;
import io.grpc.Channel;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A workload under an adaptive Sidecar, and the fallback egress proxy it sends unknown calls to, as
 * their sidecars log them (docs/adaptive.md, "What is learned"). A call to a host the applied
 * Sidecar lists goes direct ({@code outbound|port||host}); any other goes through the fallback: the
 * caller logs it on the catch-all route {@code allow_any} to the fallback's cluster, and the
 * fallback's sidecar logs it inbound, with the caller as its downstream peer, and then outbound to
 * the host. Before any Sidecar is applied the proxy has the whole mesh, so every call goes direct.
 * Not thread-safe: one thread calls.
 */
public final class AdaptiveCaller implements AutoCloseable {

  public static final String FALLBACK_NAMESPACE = "istio-system";
  public static final String FALLBACK_APP = "istio-axds-egressgateway";
  public static final String FALLBACK_HOST = FALLBACK_APP + "." + FALLBACK_NAMESPACE + ".svc.cluster.local";
  private static final String FALLBACK_POD = FALLBACK_APP + "-6b7f9c-k2x8w";

  private final String namespace;
  private final String app;
  private final String pod;
  private final String ip;
  private final EnvoyAlsClient caller;
  private final EnvoyAlsClient fallback;
  private final Set<String> applied = ConcurrentHashMap.newKeySet();
  private volatile boolean sidecarApplied;
  private long throughFallback;

  /** The caller's pod is annotated {@code sidecar.meshscope.io/mode: adaptive}. */
  public AdaptiveCaller(Channel channel, String namespace, String app, String ip) {
    this.namespace = namespace;
    this.app = app;
    this.pod = app + "-7d9c5b8f4-q4m2z";
    this.ip = ip;
    // Batches of one, flushed at once: what is measured is the pipeline, not a proxy's buffering.
    this.caller = new EnvoyAlsClient(channel, Entries.identity("sidecar", namespace, app, null, pod, ip,
        Map.of("sidecar.meshscope.io/mode", "adaptive")), 1, 1);
    this.fallback = new EnvoyAlsClient(channel, Entries.identity("sidecar", FALLBACK_NAMESPACE, FALLBACK_APP, null,
        FALLBACK_POD, "10.44.0.3"), 1, 1);
  }

  public String workload() {
    return namespace + "/" + app;
  }

  /** Applies a Sidecar that lists {@code hosts} (full names), as a reviewer's kubectl apply would. */
  public void apply(Collection<String> hosts) {
    applied.clear();
    applied.addAll(hosts);
    sidecarApplied = true;
  }

  /**
   * The hosts a Sidecar's {@code egress.hosts} entries ({@code namespace/host}) name: what a proxy
   * under it can call directly. Wildcard entries ({@code istio-system/*}) name none in particular.
   */
  public static Set<String> listedHosts(Collection<String> egressEntries) {
    Set<String> hosts = new java.util.TreeSet<>();
    for (String entry : egressEntries) {
      String host = entry.substring(entry.indexOf('/') + 1);
      if (!host.startsWith("*")) {
        hosts.add(host);
      }
    }
    return hosts;
  }

  /** Whether a call to {@code host} would go through the fallback now. */
  public boolean fallsBack(String host) {
    return sidecarApplied && !applied.contains(host);
  }

  /** Calls through the fallback so far. */
  public long throughFallback() {
    return throughFallback;
  }

  /** One HTTP call to {@code host} (a full service name) on {@code port}, started {@code at}. */
  public void call(String host, int port, Instant at) throws InterruptedException {
    if (!fallsBack(host)) {
      caller.log(Entries.outboundHttp(at, host, port, "/", 200));
      return;
    }
    throughFallback++;
    caller.log(Entries.throughFallback(at, host, port, "/", FALLBACK_HOST));
    HTTPAccessLogEntry direct = Entries.outboundHttp(at, host, port, "/", 200);
    fallback.log(Entries.fallbackInbound(at, direct.getRequest().getAuthority(), namespace, app, null, pod, ip));
    fallback.log(direct);
  }

  @Override
  public void close() throws InterruptedException {
    caller.close();
    fallback.close();
  }
}
