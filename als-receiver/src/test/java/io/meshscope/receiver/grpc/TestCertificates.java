package io.meshscope.receiver.grpc;

import java.io.IOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A CA and the certificates it issues, made when a test runs and valid around that moment.
 *
 * <p>Certificates shipped with a library (gRPC's test CA expires in March 2030) or committed to the
 * repository are time bombs: the TLS tests would fail on every day after their {@code notAfter}.
 * The handshake checks validity against the wall clock, so here, unlike in the rest of the tests,
 * the wall clock is what is meant.
 */
final class TestCertificates {

  /** A PEM certificate and its PKCS#8 PEM key, as the receiver's {@code tls.cert} / {@code tls.key} take them. */
  record Issued(Path cert, Path key) {}

  private static final Duration SLACK = Duration.ofHours(1);
  private static final Duration LIFETIME = Duration.ofDays(1);
  private static final AtomicLong SERIALS = new AtomicLong(1);

  private final Path dir;
  private final X500Name name;
  private final KeyPair keys;
  private final Path caPem;
  private final Instant now;

  private TestCertificates(Path dir, X500Name name, KeyPair keys, Path caPem, Instant now) {
    this.dir = dir;
    this.name = name;
    this.keys = keys;
    this.caPem = caPem;
    this.now = now;
  }

  /** A self-signed CA named {@code commonName}, its certificate written to {@code dir/<commonName>.pem}. */
  static TestCertificates authority(Path dir, String commonName) throws Exception {
    Instant now = Instant.now();
    X500Name name = new X500Name("CN=" + commonName);
    KeyPair keys = keyPair();
    X509v3CertificateBuilder ca = builder(name, name, keys, now)
        .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
        .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    Path pem = dir.resolve(commonName + ".pem");
    write(pem, ca.build(signer(keys)));
    return new TestCertificates(dir, name, keys, pem, now);
  }

  Path caPem() {
    return caPem;
  }

  /** A server certificate for {@code dnsName} and 127.0.0.1. */
  Issued server(String fileName, String dnsName) throws Exception {
    return issue(fileName, KeyPurposeId.id_kp_serverAuth,
        new GeneralName(GeneralName.dNSName, dnsName), new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
  }

  /** A client certificate whose URI SAN is {@code spiffeId}, as Istio's workload certificates carry. */
  Issued client(String fileName, String spiffeId) throws Exception {
    return issue(fileName, KeyPurposeId.id_kp_clientAuth, new GeneralName(GeneralName.uniformResourceIdentifier, spiffeId));
  }

  private Issued issue(String fileName, KeyPurposeId purpose, GeneralName... sans) throws Exception {
    KeyPair leaf = keyPair();
    X509CertificateHolder cert = builder(name, new X500Name("CN=" + fileName), leaf, now)
        .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
        .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
        .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose))
        .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans))
        .build(signer(keys));
    Issued issued = new Issued(dir.resolve(fileName + ".pem"), dir.resolve(fileName + ".key"));
    write(issued.cert(), cert);
    write(issued.key(), new JcaPKCS8Generator(leaf.getPrivate(), null).generate());
    return issued;
  }

  private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys, Instant now) {
    return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIALS.getAndIncrement()),
        Date.from(now.minus(SLACK)), Date.from(now.plus(LIFETIME)), subject, keys.getPublic());
  }

  private static KeyPair keyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  private static ContentSigner signer(KeyPair keys) throws OperatorCreationException {
    return new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate());
  }

  private static void write(Path file, Object pemObject) throws IOException {
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII);
        JcaPEMWriter pem = new JcaPEMWriter(out)) {
      pem.writeObject(pemObject);
    }
  }
}
