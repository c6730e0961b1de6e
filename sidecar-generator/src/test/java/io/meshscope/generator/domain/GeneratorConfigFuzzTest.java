package io.meshscope.generator.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.meshscope.schemas.DependencyGraph;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The generator's YAML settings on any document (issue 17): a document it cannot use is an
 * {@link InvalidConfigException} naming the setting, never another exception (a YAML alias bomb or
 * deep nesting included), and settings it accepts never put a host of the wrong shape, or the
 * mesh-wide {@code *}{@code /*}, into a Sidecar.
 *
 * <p>{@code mvn verify} runs it on the committed inputs under {@code GeneratorConfigFuzzTestInputs}
 * (the documented and deployed settings); {@code bench/fuzz.sh} fuzzes it.
 */
class GeneratorConfigFuzzTest {

  private static final DependencyGraph PRODUCTPAGE = Graphs.graph("bookinfo", "productpage", 1,
      Graphs.edge("details.bookinfo.svc.cluster.local"), Graphs.edge("api.example.com"));

  @FuzzTest(maxDuration = "10m")
  void acceptsOnlySettingsThatRenderValidSidecars(byte[] bytes) {
    GeneratorConfig config;
    try {
      config = GeneratorConfig.fromYaml(new String(bytes, StandardCharsets.UTF_8));
    } catch (InvalidConfigException refused) {
      return;
    }
    RenderResult result = config.renderer().render(PRODUCTPAGE);
    if (result instanceof RenderedSidecar sidecar) {
      for (String host : RenderedSidecar.egressHostsOf(sidecar.yaml())) {
        assertEquals(Optional.empty(), EgressHost.problem(host), host);
        assertFalse(host.equals("*/*"), "a Sidecar that imports the whole mesh");
      }
    }
  }
}
