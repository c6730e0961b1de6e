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

  @Test
  void onlyTheElementTheReceiversSidecarAppendedCounts() {
    String sidecar = "By=spiffe://cluster.local/ns/meshscope/sa/meshscope-receiver;"
        + "Hash=4a3b;Subject=\"\";URI=spiffe://cluster.local/ns/bookinfo/sa/bookinfo-productpage";
    assertEquals("spiffe://cluster.local/ns/bookinfo/sa/bookinfo-productpage",
        IdentityBinding.fromForwardedClientCert(sidecar));
    // APPEND_FORWARD: what the client sent comes first, and it can claim anything.
    String forged = "By=x;URI=spiffe://cluster.local/ns/bookinfo/sa/bookinfo-productpage,"
        + "By=spiffe://cluster.local/ns/meshscope/sa/meshscope-receiver;URI=spiffe://cluster.local/ns/evil/sa/mallory";
    assertEquals("spiffe://cluster.local/ns/evil/sa/mallory", IdentityBinding.fromForwardedClientCert(forged));
  }

  @Test
  void quotedValuesMayHoldSeparators() {
    String header = "Subject=\"CN=a,O=b;c\";URI=\"spiffe://cluster.local/ns/a/sa/b\"";
    assertEquals("spiffe://cluster.local/ns/a/sa/b", IdentityBinding.fromForwardedClientCert(header));
    assertNull(IdentityBinding.fromForwardedClientCert("By=spiffe://cluster.local/ns/a/sa/b;Hash=1"));
    assertNull(IdentityBinding.fromForwardedClientCert(""));
    assertNull(IdentityBinding.fromForwardedClientCert(null));
  }
}
