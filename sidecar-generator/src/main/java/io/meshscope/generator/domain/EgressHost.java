package io.meshscope.generator.domain;

import io.meshscope.schemas.SafeText;
import io.meshscope.schemas.Hosts;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of a Sidecar's {@code egress.hosts}: {@code namespace/host}.
 *
 * <p>The namespace is {@code .} (the Sidecar's own namespace), {@code *} (any namespace) or a
 * namespace name; the host is {@code *} (every service of that namespace) or a host that
 * {@link Hosts#isValid} accepts, which includes the {@code *.name} form. {@code *}{@code /*} is
 * refused: it imports the whole mesh, which is what a Sidecar is there to prevent. The one other
 * form is {@link #NONE}, {@code ~/*}, which imports nothing.
 */
public record EgressHost(String namespace, String host) implements Comparable<EgressHost> {

  /** Imports no service: what a workload that calls nothing and has no default hosts gets. */
  public static final EgressHost NONE = new EgressHost("~", "*");

  public static final String SAME_NAMESPACE = ".";
  public static final String ANY_NAMESPACE = "*";
  public static final String ALL_HOSTS = "*";

  public EgressHost {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(host, "host");
    Optional<String> problem = problem(namespace, host);
    if (problem.isPresent()) {
      throw new IllegalArgumentException(problem.get());
    }
  }

  /** Reads {@code namespace/host}; throws with what is wrong otherwise. */
  public static EgressHost parse(String text) {
    Optional<String> problem = problem(text);
    if (problem.isPresent()) {
      throw new IllegalArgumentException(problem.get());
    }
    int slash = text.indexOf('/');
    return new EgressHost(text.substring(0, slash), text.substring(slash + 1));
  }

  /** Empty when {@code text} is a valid {@code namespace/host}, else why not. */
  public static Optional<String> problem(String text) {
    if (text == null) {
      return Optional.of("null is not namespace/host");
    }
    int slash = text.indexOf('/');
    if (slash < 0 || text.indexOf('/', slash + 1) >= 0) {
      return Optional.of(SafeText.quoted(text) + " is not namespace/host");
    }
    return problem(text.substring(0, slash), text.substring(slash + 1));
  }

  private static Optional<String> problem(String namespace, String host) {
    String text = namespace + "/" + host;
    if ("~".equals(namespace)) {
      return ALL_HOSTS.equals(host) ? Optional.empty()
          : Optional.of(SafeText.quoted(text) + ": namespace ~ (none) only goes with host *");
    }
    if (!SAME_NAMESPACE.equals(namespace) && !ANY_NAMESPACE.equals(namespace)
        && KubernetesNames.namespaceProblem(namespace).isPresent()) {
      return Optional.of(SafeText.quoted(text) + ": namespace " + SafeText.quoted(namespace)
          + " is neither ., * nor a namespace name");
    }
    if (ALL_HOSTS.equals(host)) {
      if (ANY_NAMESPACE.equals(namespace)) {
        return Optional.of("'*/*' imports every service of the mesh, which is what a Sidecar is there to prevent");
      }
      return Optional.empty();
    }
    Optional<Hosts.Problem> hostProblem = Hosts.problem(host);
    if (hostProblem.isPresent()) {
      return Optional.of(SafeText.quoted(text) + ": host " + SafeText.quoted(host) + " is neither * nor a valid host ("
          + hostProblem.get().label() + ")");
    }
    return Optional.empty();
  }

  /** True when the host part is a wildcard ({@code *} or {@code *.name}). */
  public boolean isWildcard() {
    return host.startsWith("*");
  }

  /**
   * Whether this entry imports a service.
   *
   * @param sidecarNamespace the namespace of the Sidecar holding this entry, which {@code .} means
   * @param serviceNamespace the service's namespace, or null when unknown (a host outside the
   *     mesh domain): then an exact or {@code *.} host still matches by name, but a namespace
   *     wildcard ({@code ns/*}) does not, as nothing says the service lives there
   */
  public boolean imports(String sidecarNamespace, String serviceNamespace, String serviceHost) {
    if (this.equals(NONE)) {
      return false;
    }
    String ns = SAME_NAMESPACE.equals(namespace) ? sidecarNamespace : namespace;
    if (ALL_HOSTS.equals(host)) {
      return serviceNamespace != null && (ANY_NAMESPACE.equals(ns) || ns.equals(serviceNamespace));
    }
    boolean nameMatches = host.startsWith("*.")
        ? serviceHost.endsWith(host.substring(1))
        : host.equals(serviceHost);
    return nameMatches && (ANY_NAMESPACE.equals(ns) || serviceNamespace == null || ns.equals(serviceNamespace));
  }

  @Override
  public int compareTo(EgressHost other) {
    return toString().compareTo(other.toString());
  }

  /** As written in {@code egress.hosts}. */
  @Override
  public String toString() {
    return namespace + "/" + host;
  }
}
