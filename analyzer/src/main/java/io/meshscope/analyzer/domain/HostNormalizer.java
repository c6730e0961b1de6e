package io.meshscope.analyzer.domain;

import io.meshscope.schemas.Hosts;
import io.meshscope.schemas.SafeText;
import io.meshscope.schemas.SpiffeId;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Turns what a log names as the callee (an authority, a cluster's host) into a graph host, or says
 * why it cannot be one. Short Kubernetes names are expanded as the pod's DNS search path would:
 * {@code reviews} in the caller's namespace; {@code reviews.bookinfo} when {@code bookinfo} is a
 * namespace of the mesh (else {@code example.com} would become a service); {@code reviews.bookinfo.svc}
 * always. All three mean {@code reviews.bookinfo.svc.cluster.local}.
 */
public final class HostNormalizer {

  /** A host, or a refusal with the value as it may be shown to people. */
  public record Result(String host, String rejectedValue, String reason) {
    public Optional<String> validHost() {
      return Optional.ofNullable(host);
    }
  }

  private static final int SHOWN_CHARS = 80;

  private final String meshDomain;
  private final String dotMeshDomain;

  public HostNormalizer(String meshDomain) {
    if (!Hosts.isValid(meshDomain)) {
      throw new IllegalArgumentException("mesh domain must be a DNS name like cluster.local, was '" + meshDomain + "'");
    }
    this.meshDomain = meshDomain;
    this.dotMeshDomain = "." + meshDomain;
  }

  public String meshDomain() {
    return meshDomain;
  }

  /** The host of an HTTP authority ({@code host[:port]}), expanded in {@code namespace}. */
  public Result fromAuthority(String authority, String namespace, Predicate<String> isNamespace) {
    if (authority == null || authority.isEmpty()) {
      return new Result(null, "", "no-authority");
    }
    String host = authority;
    if (host.startsWith("[")) {
      return refuse(authority, "ip-literal");
    }
    if (host.indexOf('*') >= 0) {
      return refuse(authority, "bad-wildcard"); // a request names one host, never a pattern
    }
    int colon = host.lastIndexOf(':');
    if (colon >= 0 && host.indexOf(':') == colon) {
      String port = host.substring(colon + 1);
      if (port.isEmpty() || !port.chars().allMatch(Character::isDigit)) {
        return refuse(authority, "bad-port");
      }
      host = host.substring(0, colon);
    }
    Result result = fromHost(host.toLowerCase(Locale.ROOT), namespace, isNamespace);
    // Show people the authority as the log had it, not the part that was looked at.
    return result.host() != null ? result : refuse(authority, result.reason());
  }

  /**
   * The host a TLS client hello named (SNI). Like an authority's, but it has no port, and a pattern
   * or port in it is refused: a client asks for one host.
   */
  public Result fromServerName(String sni, String namespace, Predicate<String> isNamespace) {
    if (sni == null || sni.isEmpty()) {
      return new Result(null, "", "no-host");
    }
    if (sni.indexOf('*') >= 0) {
      return refuse(sni, "bad-wildcard");
    }
    Result result = fromHost(sni.toLowerCase(Locale.ROOT), namespace, isNamespace);
    return result.host() != null ? result : refuse(sni, result.reason());
  }

  /** A host name from a log, lower-cased, trailing dot removed, short names expanded. */
  public Result fromHost(String raw, String namespace, Predicate<String> isNamespace) {
    String host = raw.endsWith(".") ? raw.substring(0, raw.length() - 1) : raw;
    int dots = 0;
    for (int i = host.indexOf('.'); i >= 0; i = host.indexOf('.', i + 1)) {
      dots++;
    }
    // The suffix first: a name in the mesh domain, as most clusters name their hosts, is then
    // checked once, below, instead of twice.
    boolean shortName = !host.endsWith(dotMeshDomain) && !host.isEmpty() && !host.startsWith("*")
        && Hosts.problem(host + dotMeshDomain).isEmpty();
    if (shortName && dots == 0 && namespace != null) {
      host = host + "." + namespace + ".svc." + meshDomain;
    } else if (shortName && dots == 1 && isNamespace.test(host.substring(host.indexOf('.') + 1))) {
      host = host + ".svc." + meshDomain;
    } else if (shortName && dots == 2 && host.endsWith(".svc")) {
      host = host + "." + meshDomain;
    }
    Optional<Hosts.Problem> problem = Hosts.problem(host);
    return problem.isPresent() ? refuse(raw, problem.get().label()) : new Result(host, null, null);
  }

  private static final Pattern NAMESPACE =
      Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final Pattern WORKLOAD =
      Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]{0,251}[A-Za-z0-9])?");

  /** Peer metadata is forgeable: only names Kubernetes could have become graph keys. */
  public static boolean isKubernetesName(String namespace) {
    return NAMESPACE.matcher(namespace).matches();
  }

  /** A Kubernetes service account name: a DNS-1123 subdomain. */
  public static boolean isServiceAccountName(String name) {
    return SpiffeId.isServiceAccountName(name);
  }

  public static boolean isWorkloadName(String name) {
    return WORKLOAD.matcher(name).matches();
  }

  /** Escaped and capped: rejected values are shown in graphs and logs, never trusted. */
  static Result refuse(String value, String reason) {
    return new Result(null, SafeText.escaped(value, SHOWN_CHARS), reason);
  }

}
