package io.meshscope.generator.domain;

import io.meshscope.schemas.Hosts;
import io.meshscope.schemas.SafeText;
import java.util.Optional;

/**
 * Turns a callee host of the dependency graph into the {@code egress.hosts} entry that imports it.
 *
 * <p>A host of the form {@code <svc>.<ns>.svc.<meshDomain>}, exactly two labels before
 * {@code .svc.}, is a Kubernetes service whose namespace is known: {@code ./host} from the same
 * namespace, {@code ns/host} from another. Everything else is {@code *}{@code /host}: external names,
 * ServiceEntry hosts and {@code *.} wildcards, whose namespace (the ServiceEntry's) the graph does
 * not know, and longer in-cluster names such as {@code pod.svc.ns.svc.cluster.local}, which are no
 * service's registry name. A host {@link Hosts#isValid} refuses maps to nothing.
 */
public final class EgressHostMapper {

  public static final String DEFAULT_MESH_DOMAIN = Hosts.DEFAULT_MESH_DOMAIN;

  private final String meshDomain;
  private final String serviceSuffix;

  /** Throws {@link IllegalArgumentException} when {@code meshDomain} could not end a service host. */
  public EgressHostMapper(String meshDomain) {
    Optional<String> problem = meshDomainProblem(meshDomain);
    if (problem.isPresent()) {
      throw new IllegalArgumentException(problem.get());
    }
    this.meshDomain = meshDomain;
    this.serviceSuffix = ".svc." + meshDomain;
  }

  /**
   * Empty when {@code meshDomain} can end a service host. The check is {@link Hosts}' own rule
   * applied to {@code svc.<meshDomain>}, so a single-label domain such as {@code local} passes and
   * a wildcard or upper case does not.
   */
  static Optional<String> meshDomainProblem(String meshDomain) {
    if (meshDomain == null || meshDomain.isEmpty()) {
      return Optional.of("must not be empty");
    }
    return Hosts.problem("svc." + meshDomain)
        .map(p -> SafeText.quoted(meshDomain) + " is not a domain a service host can end in (" + p.label() + ")");
  }

  public String meshDomain() {
    return meshDomain;
  }

  /** The namespace of an in-mesh service host, empty for any other (or invalid) host. */
  public Optional<String> serviceNamespace(String host) {
    if (!Hosts.isValid(host) || host.startsWith("*") || !host.endsWith(serviceSuffix)) {
      return Optional.empty();
    }
    String[] labels = host.substring(0, host.length() - serviceSuffix.length()).split("\\.", -1);
    return labels.length == 2 ? Optional.of(labels[1]) : Optional.empty();
  }

  /** The entry that imports {@code host} into a Sidecar of {@code sidecarNamespace}; empty for an invalid host. */
  public Optional<EgressHost> map(String sidecarNamespace, String host) {
    if (!Hosts.isValid(host)) {
      return Optional.empty();
    }
    String namespace = serviceNamespace(host)
        .map(ns -> ns.equals(sidecarNamespace) ? EgressHost.SAME_NAMESPACE : ns)
        .orElse(EgressHost.ANY_NAMESPACE);
    return Optional.of(new EgressHost(namespace, host));
  }

  @Override
  public String toString() {
    return "EgressHostMapper[meshDomain=" + meshDomain + "]";
  }
}
