package io.meshscope.receiver.domain;

import io.meshscope.schemas.Reporter;
import io.meshscope.schemas.SafeText;
import io.meshscope.schemas.SpiffeId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Checks the identity a stream claims in its node metadata against the one its transport
 * authenticated: the SPIFFE ID of the client certificate (mTLS), or of the caller as the receiver's
 * own Istio sidecar forwards it in {@code x-forwarded-client-cert}. A compromised pod controls its
 * proxy's node metadata but not its certificate, so a stream whose {@code NAMESPACE} or
 * {@code SERVICE_ACCOUNT} differs from its certificate's, or whose trust domain the operator did not
 * allow, is refused as {@link Rejection#IDENTITY_MISMATCH}; its entries still travel, flagged
 * (docs/istio.md, "Binding identities to certificates").
 */
public final class IdentityBinding {

  /** The identity to use, and what did not match (escaped for a log line), null when it matched. */
  public record Verdict(StreamIdentity identity, String mismatch) {}

  private static final int SHOWN = 200;

  private final Set<String> trustDomains;

  public IdentityBinding(Set<String> trustDomains) {
    if (trustDomains.isEmpty()) {
      throw new IllegalArgumentException("identity binding needs at least one allowed trust domain");
    }
    this.trustDomains = Set.copyOf(trustDomains);
  }

  /**
   * @param claimed what the stream's first message said
   * @param authenticated the URI SAN the transport authenticated, or null when it authenticated none
   */
  public Verdict bind(StreamIdentity claimed, String authenticated) {
    if (!claimed.known()) {
      return new Verdict(claimed, null);
    }
    String problem = problem(claimed.reporter(), authenticated);
    if (problem == null) {
      return new Verdict(claimed, null);
    }
    return new Verdict(new StreamIdentity(null, claimed.logName(), List.of(Rejection.IDENTITY_MISMATCH)), problem);
  }

  private String problem(Reporter claimed, String authenticated) {
    if (authenticated == null) {
      return "the transport authenticated no SPIFFE ID";
    }
    SpiffeId id = SpiffeId.parse(authenticated);
    if (id == null) {
      return "the authenticated identity '" + SafeText.escaped(authenticated, SHOWN) + "' is no Istio SPIFFE ID";
    }
    if (!trustDomains.contains(id.trustDomain())) {
      return "trust domain '" + id.trustDomain() + "' of " + id + " is not one of " + trustDomains;
    }
    String namespace = claimed.workload().namespace();
    String account = claimed.serviceAccount();
    if (!id.namespace().equals(namespace) || !id.serviceAccount().equals(account)) {
      return "node metadata claims namespace '" + SafeText.escaped(namespace, SHOWN) + "' and service account '"
          + (account == null ? "(none)" : SafeText.escaped(account, SHOWN)) + "', the certificate is " + id;
    }
    return null;
  }

  /**
   * The client's URI SAN in an Envoy {@code x-forwarded-client-cert} header, or null when it names
   * none. Istio's sidecar appends its element (APPEND_FORWARD): anything before it came from the
   * client, which can write what it likes, so only the last element counts.
   */
  public static String fromForwardedClientCert(String header) {
    if (header == null || header.isEmpty()) {
      return null;
    }
    List<String> elements = split(header, ',');
    for (String pair : split(elements.get(elements.size() - 1), ';')) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).trim().equalsIgnoreCase("URI")) {
        String value = pair.substring(eq + 1).trim();
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
          value = value.substring(1, value.length() - 1).replace("\\\"", "\"");
        }
        return value.isEmpty() ? null : value;
      }
    }
    return null;
  }

  /** Splits on {@code separator} outside double quotes (Subject="CN=a,O=b" holds commas and semicolons). */
  private static List<String> split(String text, char separator) {
    List<String> out = new ArrayList<>();
    StringBuilder part = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\' && quoted && i + 1 < text.length()) {
        part.append(c).append(text.charAt(++i));
        continue;
      }
      if (c == '"') {
        quoted = !quoted;
      }
      if (c == separator && !quoted) {
        out.add(part.toString());
        part.setLength(0);
      } else {
        part.append(c);
      }
    }
    out.add(part.toString());
    return out;
  }
}
