package io.meshscope.analyzer.domain;

import java.util.Optional;

/** What the mesh's identities have announced: whose an IP is, and which namespaces exist. */
public interface Directory {

  Optional<WorkloadAddress> byIp(String ip);

  boolean isNamespace(String namespace);

  Directory EMPTY = new Directory() {
    @Override
    public Optional<WorkloadAddress> byIp(String ip) {
      return Optional.empty();
    }

    @Override
    public boolean isNamespace(String namespace) {
      return false;
    }
  };
}
