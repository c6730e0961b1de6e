package io.meshscope.receiver.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.service.accesslog.v3.StreamAccessLogsMessage.Identifier;
import io.meshscope.schemas.Reporter;
import io.meshscope.schemas.SafeText;
import io.meshscope.schemas.WorkloadRef;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The identity parser on any identifier a proxy can send (issue 17): it never throws, and an
 * identity it accepts names a workload Kubernetes could have, selected by a name label at most,
 * with no control character in any value that reaches a record or a log.
 *
 * <p>{@code mvn verify} runs it on the committed inputs under {@code IdentityParserFuzzTestInputs}
 * (the corpus's identifiers, Istio 1.1 to 1.30); {@code bench/fuzz.sh} fuzzes it.
 */
class IdentityParserFuzzTest {

  private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final Pattern WORKLOAD = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]{0,251}[A-Za-z0-9])?");

  @FuzzTest(maxDuration = "10m")
  void acceptsOnlyWellFormedIdentities(byte[] bytes) {
    Identifier identifier;
    try {
      identifier = Identifier.parseFrom(bytes);
    } catch (InvalidProtocolBufferException notAnIdentifier) {
      return; // the wire decoder's target covers bytes protobuf refuses
    }
    StreamIdentity id = IdentityParser.parse(identifier);
    if (!id.known()) {
      assertTrue(id.reporter() == null && !id.rejections().isEmpty(), "a refused identity says why");
      return;
    }
    Reporter r = id.reporter();
    WorkloadRef w = r.workload();
    assertTrue(NAMESPACE.matcher(w.namespace()).matches(), w.namespace());
    assertTrue(WORKLOAD.matcher(w.name()).matches(), w.name());
    assertTrue(w.selector().size() <= 1, "one name label selects: " + w.selector());
    w.selector().forEach((k, v) -> {
      assertTrue(WorkloadRef.NAME_LABELS.contains(k), k);
      assertEquals(w.name(), v, "the selector's value is the name it gave");
    });
    List<String> values = new ArrayList<>(List.of(r.role()));
    for (String v : new String[] {r.nodeId(), r.pod(), r.istioVersion(), r.clusterId(), r.serviceAccount(),
        id.logName()}) {
      if (v != null) {
        values.add(v);
      }
    }
    values.addAll(r.ips());
    r.labels().forEach((k, v) -> {
      values.add(k);
      values.add(v);
    });
    for (String v : values) {
      assertFalse(SafeText.hasControl(v), "a control character reached a record: " + SafeText.escaped(v, 80));
    }
  }
}
