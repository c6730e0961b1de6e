package io.meshscope.schemas;

import java.util.Map;

/**
 * The other side of a connection as Istio's metadata exchange reported it in Envoy's filter state.
 *
 * @param source which filter-state object it came from, e.g. {@code downstream_peer} (Istio 1.24+)
 *     or {@code wasm.downstream_peer} (older)
 */
public record PeerMetadata(
    String source,
    String namespace,
    String workload,
    String pod,
    String serviceAccount,
    String clusterId,
    Map<String, String> labels) {

  public PeerMetadata {
    Collections2.requireText(source, "peer.source");
    labels = Collections2.sortedMap(labels);
  }
}
