package io.meshscope.analyzer.domain;

import java.util.List;
import java.util.Optional;

/**
 * What the mesh's identities have announced: whose an IP is, which workloads run as a service
 * account, and which namespaces exist.
 */
public interface Directory {

  Optional<WorkloadAddress> byIp(String ip);

  /** Every workload that announced {@code namespace/serviceAccount}, each once, however old. */
  List<WorkloadAddress> byServiceAccount(String namespace, String serviceAccount);

  boolean isNamespace(String namespace);

  Directory EMPTY = new Directory() {
    @Override
    public Optional<WorkloadAddress> byIp(String ip) {
      return Optional.empty();
    }

    @Override
    public List<WorkloadAddress> byServiceAccount(String namespace, String serviceAccount) {
      return List.of();
    }

    @Override
    public boolean isNamespace(String namespace) {
      return false;
    }
  };
}
