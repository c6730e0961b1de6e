package io.meshscope.generator.domain;

import io.meshscope.schemas.SafeText;
import io.meshscope.schemas.Hosts;

/**
 * Where an adaptive Sidecar sends calls to hosts it does not list, e.g.
 * {@code istio-egressgateway.istio-system.svc.cluster.local} port 443.
 */
public record EgressProxy(String host, int port) {
  public EgressProxy {
    if (host == null || host.isEmpty()) {
      throw new InvalidConfigException("egressProxy.host", "must not be empty");
    }
    Hosts.problem(host).ifPresent(p -> {
      throw new InvalidConfigException("egressProxy.host", SafeText.quoted(host) + " is not a valid host (" + p.label() + ")");
    });
    if (host.startsWith("*")) {
      throw new InvalidConfigException("egressProxy.host", SafeText.quoted(host) + " must name one host, not a wildcard");
    }
    if (port < 1 || port > 65535) {
      throw new InvalidConfigException("egressProxy.port", "must be a port from 1 to 65535, was " + port);
    }
  }
}
