package io.meshscope.receiver.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshscope.client.simulate.Entries;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A stream's claimed identity against the one its transport authenticated (issue 17, item 4). */
class IdentityBindingTest {

  private static final IdentityBinding BINDING = new IdentityBinding(Set.of("cluster.local"));
  private static final StreamIdentity PRODUCTPAGE = IdentityParser.parse(
      Entries.identity("sidecar", "bookinfo", "productpage", "v1", "productpage-v1-abc", "10.44.0.12"));

  private static void refused(String authenticated, String because) {
    IdentityBinding.Verdict v = BINDING.bind(PRODUCTPAGE, authenticated);
    assertFalse(v.identity().known(), authenticated);
    assertEquals(List.of(Rejection.IDENTITY_MISMATCH), v.identity().rejections());
    assertTrue(v.mismatch().contains(because), v.mismatch());
  }

  @Test
  void theCertificateOfTheClaimedNamespaceAndAccountVouchesForTheStream() {
    IdentityBinding.Verdict v = BINDING.bind(PRODUCTPAGE, "spiffe://cluster.local/ns/bookinfo/sa/bookinfo-productpage");
    assertSame(PRODUCTPAGE, v.identity());
    assertNull(v.mismatch());
  }

  @Test
  void anotherNamespaceAccountOrTrustDomainIsAMismatch() {
    refused("spiffe://cluster.local/ns/evil/sa/bookinfo-productpage", "spiffe://cluster.local/ns/evil/sa/");
    refused("spiffe://cluster.local/ns/bookinfo/sa/bookinfo-reviews", "claims namespace 'bookinfo' and service "
        + "account 'bookinfo-productpage'");
    refused("spiffe://other.example/ns/bookinfo/sa/bookinfo-productpage", "trust domain 'other.example'");
  }

  @Test
  void noIdentityOrAnotherKindOfNameIsAMismatchAndIsShownEscaped() {
    refused(null, "authenticated no SPIFFE ID");
    refused("spiffe://cluster.local/ns/bookinfo/sa/x/extra", "is no Istio SPIFFE ID");
    refused("https://cluster.local/ns/bookinfo\n/sa/x", "https://cluster.local/ns/bookinfo\\u000a/sa/x");
  }

  @Test
  void aStreamWithoutIdentityStaysAsItWas() {
    IdentityBinding.Verdict v = BINDING.bind(StreamIdentity.NONE, "spiffe://cluster.local/ns/a/sa/b");
    assertSame(StreamIdentity.NONE, v.identity());
  }

  private static final String SIDECAR = "By=spiffe://cluster.local/ns/meshscope/sa/meshscope-receiver;Hash=4a3b;";

  @Test
  void onlyTheElementTheReceiversSidecarAppendedCounts() {
    String sidecar = SIDECAR + "Subject=\"\";URI=spiffe://cluster.local/ns/bookinfo/sa/bookinfo-productpage";
    assertEquals("spiffe://cluster.local/ns/bookinfo/sa/bookinfo-productpage",
        IdentityBinding.fromForwardedClientCert(sidecar));
    // APPEND_FORWARD: what the client sent comes first, and it can claim anything.
    String forged = "By=x;Hash=1;URI=spiffe://cluster.local/ns/bookinfo/sa/bookinfo-productpage,"
        + SIDECAR + "Subject=\"\";URI=spiffe://cluster.local/ns/evil/sa/mallory";
    assertEquals("spiffe://cluster.local/ns/evil/sa/mallory", IdentityBinding.fromForwardedClientCert(forged));
  }

  @Test
  void aQuoteTheClientLeavesOpenCannotSwallowTheSidecarsElement() {
    // The client's element ends inside a quote, so a lenient split reads the sidecar's element as
    // part of the client's value, and the client's URI as the last element's.
    String victim = "By=x;Hash=1;URI=spiffe://cluster.local/ns/bookinfo/sa/bookinfo-productpage;x=\"";
    String appended = victim + "," + SIDECAR + "Subject=\"\";URI=spiffe://cluster.local/ns/evil/sa/mallory";
    assertNull(IdentityBinding.fromForwardedClientCert(appended));
    String escaped = "By=x;Hash=1;URI=spiffe://cluster.local/ns/bookinfo/sa/bookinfo-productpage;x=\"\\";
    assertNull(IdentityBinding.fromForwardedClientCert(escaped + "," + SIDECAR
        + "Subject=\"\";URI=spiffe://cluster.local/ns/evil/sa/mallory"));
    // A quote in an unquoted value, a key without a value: not Envoy's format, so no identity.
    assertNull(IdentityBinding.fromForwardedClientCert(SIDECAR + "URI=spiffe://cluster.local/ns/a/sa/b\""));
    assertNull(IdentityBinding.fromForwardedClientCert(SIDECAR + "URI"));
    assertNull(IdentityBinding.fromForwardedClientCert(SIDECAR + "Subject=\"a\"b;URI=spiffe://cluster.local/ns/a/sa/b"));
  }

  @Test
  void theLastElementMustBeTheSidecarsWithOneName() {
    assertNull(IdentityBinding.fromForwardedClientCert("Hash=1;URI=spiffe://cluster.local/ns/a/sa/b"), "no By");
    assertNull(IdentityBinding.fromForwardedClientCert("By=x;URI=spiffe://cluster.local/ns/a/sa/b"), "no Hash");
    assertNull(IdentityBinding.fromForwardedClientCert(SIDECAR + "URI=spiffe://cluster.local/ns/a/sa/b;"
        + "URI=spiffe://cluster.local/ns/c/sa/d"), "two names");
    assertNull(IdentityBinding.fromForwardedClientCert(SIDECAR + "URI="), "an empty name");
  }

  @Test
  void quotedValuesMayHoldSeparators() {
    String header = SIDECAR + "Subject=\"CN=a,O=b;c \\\"d\\\"\";DNS=a.example;URI=\"spiffe://cluster.local/ns/a/sa/b\"";
    assertEquals("spiffe://cluster.local/ns/a/sa/b", IdentityBinding.fromForwardedClientCert(header));
    assertEquals("spiffe://cluster.local/ns/a/sa/b",
        IdentityBinding.fromForwardedClientCert("Subject=\"x,y\", " + header), "a client element before it");
    assertNull(IdentityBinding.fromForwardedClientCert(SIDECAR + "Subject=\"\""));
    assertNull(IdentityBinding.fromForwardedClientCert(""));
    assertNull(IdentityBinding.fromForwardedClientCert(null));
  }
}
