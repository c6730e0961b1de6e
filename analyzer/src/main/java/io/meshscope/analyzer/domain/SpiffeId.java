package io.meshscope.analyzer.domain;

/**
 * The namespace and service account of an Istio workload certificate's URI SAN,
 * {@code spiffe://<trust domain>/ns/<namespace>/sa/<service account>}. Certificates are signed by
 * the mesh's CA, but the SAN reaches us through a log, so it is read strictly: anything else is no
 * identity.
 */
record SpiffeId(String trustDomain, String namespace, String serviceAccount) {

  private static final String SCHEME = "spiffe://";

  /** The identity in {@code san}, or null when it is not an Istio workload identity. */
  static SpiffeId parse(String san) {
    if (san == null || !san.startsWith(SCHEME) || san.length() > 2048) {
      return null;
    }
    String[] parts = san.substring(SCHEME.length()).split("/", -1);
    if (parts.length != 5 || !parts[1].equals("ns") || !parts[3].equals("sa")) {
      return null;
    }
    String trustDomain = parts[0];
    if (trustDomain.isEmpty() || !trustDomain.chars().allMatch(c -> c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
        || c == '-' || c == '.' || c == '_')) {
      return null;
    }
    if (!HostNormalizer.isKubernetesName(parts[2]) || !HostNormalizer.isServiceAccountName(parts[4])) {
      return null;
    }
    return new SpiffeId(trustDomain, parts[2], parts[4]);
  }
}
