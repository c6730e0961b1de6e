package io.meshscope.schemas;

import java.util.regex.Pattern;

/**
 * The identity in an Istio workload certificate's URI SAN,
 * {@code spiffe://<trust domain>/ns/<namespace>/sa/<service account>}. It reaches meshscope through
 * logs ({@link AccessRecord#peerSans()}), a client certificate or a header, so it is read strictly:
 * anything else is no identity.
 */
public record SpiffeId(String trustDomain, String namespace, String serviceAccount) {

  private static final String SCHEME = "spiffe://";
  private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final Pattern SERVICE_ACCOUNT = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");

  /** The identity in {@code uri}, or null when it is not an Istio workload identity. */
  public static SpiffeId parse(String uri) {
    if (uri == null || !uri.startsWith(SCHEME) || uri.length() > 2048) {
      return null;
    }
    String[] parts = uri.substring(SCHEME.length()).split("/", -1);
    if (parts.length != 5 || !parts[1].equals("ns") || !parts[3].equals("sa")) {
      return null;
    }
    String trustDomain = parts[0];
    if (trustDomain.isEmpty() || !trustDomain.chars().allMatch(c -> c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
        || c == '-' || c == '.' || c == '_')) {
      return null;
    }
    if (!NAMESPACE.matcher(parts[2]).matches() || !isServiceAccountName(parts[4])) {
      return null;
    }
    return new SpiffeId(trustDomain, parts[2], parts[4]);
  }

  /** A Kubernetes service account name: a DNS-1123 subdomain. */
  public static boolean isServiceAccountName(String name) {
    return SERVICE_ACCOUNT.matcher(name).matches();
  }

  @Override
  public String toString() {
    return SCHEME + trustDomain + "/ns/" + namespace + "/sa/" + serviceAccount;
  }
}
