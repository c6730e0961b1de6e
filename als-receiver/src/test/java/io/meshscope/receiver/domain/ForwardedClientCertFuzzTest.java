package io.meshscope.receiver.domain;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * The {@code x-forwarded-client-cert} reader against a client that writes the start of the header
 * (issue 17): whatever the client sent, the identity read is the one the receiver's sidecar
 * appended, or none. Istio's sidecar appends its element after a comma (APPEND_FORWARD), so the
 * client controls everything before it and nothing after.
 *
 * <p>{@code mvn verify} runs it on the committed inputs under {@code ForwardedClientCertFuzzTestInputs};
 * {@code bench/fuzz.sh} fuzzes it.
 */
class ForwardedClientCertFuzzTest {

  private static final String TRUE_ID = "spiffe://cluster.local/ns/evil/sa/mallory";
  private static final String SIDECAR = "By=spiffe://cluster.local/ns/meshscope/sa/meshscope-receiver;"
      + "Hash=8d7f3c;Subject=\"\";URI=" + TRUE_ID;

  @FuzzTest(maxDuration = "10m")
  void readsOnlyWhatTheSidecarAppended(byte[] bytes) {
    // Header values are visible ASCII and spaces (gRPC's ASCII marshaller refuses the rest).
    StringBuilder client = new StringBuilder(bytes.length);
    for (byte b : bytes) {
      client.append((char) (0x20 + (b & 0xff) % 0x5f));
    }
    String header = client.isEmpty() ? SIDECAR : client + "," + SIDECAR;
    String read = IdentityBinding.fromForwardedClientCert(header);
    assertTrue(read == null || read.equals(TRUE_ID), () -> "read '" + read + "' from " + header);
  }
}
