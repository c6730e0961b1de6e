package io.meshscope.generator.domain;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Kubernetes' naming rules for what the renderer writes besides hosts: the namespace, the object name
 * and the selector labels. Workload identities come from proxies, so from logs: a value that breaks
 * these rules would make the API server refuse the Sidecar, or a file adapter write outside its
 * directory, so the renderer skips such a workload instead. (Hosts follow {@code Hosts}, not this.)
 */
public final class KubernetesNames {
  private KubernetesNames() {}

  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern LABEL_NAME = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");

  /** A namespace (or a service name): an RFC 1123 label. */
  public static Optional<String> namespaceProblem(String namespace) {
    if (namespace.length() > 63) {
      return Optional.of("is longer than 63 characters");
    }
    if (!DNS_LABEL.matcher(namespace).matches()) {
      return Optional.of("is not a lower-case RFC 1123 label");
    }
    return Optional.empty();
  }

  /** An object name: an RFC 1123 subdomain. */
  static Optional<String> objectNameProblem(String name) {
    if (name.length() > 253) {
      return Optional.of("is longer than 253 characters");
    }
    for (String label : name.split("\\.", -1)) {
      if (label.length() > 63 || !DNS_LABEL.matcher(label).matches()) {
        return Optional.of("is not a lower-case RFC 1123 subdomain");
      }
    }
    return Optional.empty();
  }

  /** A label key: an optional DNS subdomain prefix and {@code /}, then a name of up to 63 characters. */
  static Optional<String> labelKeyProblem(String key) {
    int slash = key.indexOf('/');
    String name = slash < 0 ? key : key.substring(slash + 1);
    if (slash >= 0 && objectNameProblem(key.substring(0, slash)).isPresent()) {
      return Optional.of("has a prefix that is not a DNS subdomain");
    }
    if (name.length() > 63 || !LABEL_NAME.matcher(name).matches()) {
      return Optional.of("is not a valid label name");
    }
    return Optional.empty();
  }

  /**
   * A label value that can select pods: the CRD also forbids {@code *}, which the pattern excludes.
   * An empty value is legal for Kubernetes but selects only pods whose label is empty: no
   * workload name comes from an empty label, so it is refused.
   */
  static Optional<String> selectorValueProblem(String value) {
    if (value.length() > 63 || !LABEL_NAME.matcher(value).matches()) {
      return Optional.of("is not a valid label value");
    }
    return Optional.empty();
  }
}
