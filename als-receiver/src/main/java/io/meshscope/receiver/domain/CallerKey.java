package io.meshscope.receiver.domain;

import io.meshscope.schemas.AccessRecord;
import io.meshscope.schemas.PeerMetadata;

/**
 * The Kafka key of an access record: the calling workload as {@code namespace/name}, as far as the
 * receiver can tell. On an outbound or gateway entry the reporter is the caller; on an inbound entry
 * it is the downstream peer, when Istio's metadata exchange named it. Where nothing names the caller
 * the key falls back to the reporter, and the analyzer resolves the caller (by IP) and re-keys.
 */
public final class CallerKey {
  /** Cannot collide with a workload: Kubernetes names never contain '-' alone. */
  public static final String UNKNOWN = "-/-";

  private CallerKey() {}

  public static String of(AccessRecord record) {
    if (record.upstreamCluster() != null && ClusterNames.INBOUND.equals(record.upstreamCluster().kind())) {
      PeerMetadata peer = record.downstreamPeer();
      if (peer != null && peer.namespace() != null && peer.workload() != null) {
        return peer.namespace() + "/" + peer.workload();
      }
    }
    return record.reporter() == null ? UNKNOWN : record.reporter().workload().key();
  }
}
