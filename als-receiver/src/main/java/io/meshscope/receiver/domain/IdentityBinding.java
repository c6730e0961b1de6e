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
   * client, which can write what it likes, so only the last element counts, and only when the whole
   * header parses. A client that leaves a quote open ({@code URI=...victim;x="}) would otherwise
   * make the sidecar's element part of its own value; the header is then no identity at all. The
   * sidecar's element always carries {@code By} and {@code Hash}, and one {@code URI} (Envoy's
   * header format: elements split by commas, pairs by semicolons, values with separators quoted,
   * quotes in them escaped with a backslash).
   */
  public static String fromForwardedClientCert(String header) {
    if (header == null || header.isEmpty()) {
      return null;
    }
    List<List<String[]>> elements = parse(header);
    if (elements == null) {
      return null;
    }
    String uri = null;
    boolean by = false;
    boolean hash = false;
    for (String[] pair : elements.get(elements.size() - 1)) {
      switch (pair[0].toLowerCase(java.util.Locale.ROOT)) {
        case "by" -> by = true;
        case "hash" -> hash = true;
        case "uri" -> {
          if (uri != null) {
            return null; // two names: no single workload
          }
          uri = pair[1];
        }
        default -> { }
      }
    }
    return by && hash && uri != null && !uri.isEmpty() ? uri : null;
  }

  /** Elements of key/value pairs (values unquoted), or null when {@code text} is not well formed. */
  private static List<List<String[]>> parse(String text) {
    List<List<String[]>> elements = new ArrayList<>();
    List<String[]> element = new ArrayList<>();
    int i = 0;
    int n = text.length();
    while (true) {
      while (i < n && text.charAt(i) == ' ') {
        i++;
      }
      int keyStart = i;
      while (i < n && isKeyChar(text.charAt(i))) {
        i++;
      }
      if (i == keyStart || i >= n || text.charAt(i) != '=') {
        return null;
      }
      String key = text.substring(keyStart, i++);
      StringBuilder value = new StringBuilder();
      if (i < n && text.charAt(i) == '"') {
        i++;
        while (true) {
          if (i >= n) {
            return null; // a quote left open
          }
          char c = text.charAt(i++);
          if (c == '"') {
            break;
          }
          if (c == '\\') {
            if (i >= n) {
              return null;
            }
            c = text.charAt(i++);
          }
          value.append(c);
        }
      } else {
        while (i < n && text.charAt(i) != ';' && text.charAt(i) != ',') {
          char c = text.charAt(i++);
          if (c == '"' || c == '\\') {
            return null;
          }
          value.append(c);
        }
      }
      element.add(new String[] {key, value.toString()});
      while (i < n && text.charAt(i) == ' ') {
        i++;
      }
      if (i >= n) {
        elements.add(element);
        return elements;
      }
      char separator = text.charAt(i++);
      if (separator == ',') {
        elements.add(element);
        element = new ArrayList<>();
      } else if (separator != ';') {
        return null;
      }
    }
  }

  private static boolean isKeyChar(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  }
}
