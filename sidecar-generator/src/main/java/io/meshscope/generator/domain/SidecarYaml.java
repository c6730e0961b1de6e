package io.meshscope.generator.domain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.util.StringQuotingChecker;
import io.meshscope.schemas.WorkloadRef;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The one YAML style meshscope writes Sidecars in, chosen to read like hand-written Istio YAML: no
 * {@code ---}, block style, list items at their key's indentation (as kubectl prints them), plain
 * scalars wherever YAML allows them, double quotes otherwise, no line splitting, {@code \n} line
 * ends. Key order is the order the renderer builds the tree in.
 */
final class SidecarYaml {
  private SidecarYaml() {}

  private static final YAMLMapper MAPPER = new YAMLMapper(YAMLFactory.builder()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
      // Long values stay on one line: a diff of one host then shows one line.
      .disable(YAMLGenerator.Feature.SPLIT_LINES)
      .disable(YAMLGenerator.Feature.USE_PLATFORM_LINE_BREAKS)
      .stringQuotingChecker(new KubernetesQuoting())
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build());

  static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  static String write(JsonNode tree) {
    try {
      return MAPPER.writeValueAsString(tree);
    } catch (JsonProcessingException e) {
      // A tree of strings, numbers, maps and lists always serializes.
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode read(String yaml) {
    try {
      return MAPPER.readTree(yaml);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not valid YAML: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * Rebuilds what a Sidecar YAML written by {@link #write} says, so that state lost in a restart can
   * be restored from the last published recommendation. The content key is the same as the renderer's
   * because the tree read back is the tree that was written (strings stay strings, the port an int).
   */
  /** The event time a Sidecar meshscope wrote was rendered up to (annotation meshscope.io/observed-until). */
  static java.util.Optional<java.time.Instant> observedUntil(String yaml) {
    String text = read(yaml).path("metadata").path("annotations").path(SidecarRenderer.OBSERVED_UNTIL_ANNOTATION)
        .asText(null);
    try {
      return java.util.Optional.ofNullable(text == null ? null : java.time.Instant.parse(text));
    } catch (java.time.format.DateTimeParseException e) {
      return java.util.Optional.empty();
    }
  }

  static RenderedSidecar restore(WorkloadRef workload, long graphRevision, GeneratorMode mode, String yaml) {
    JsonNode tree = read(yaml);
    List<String> hosts = new ArrayList<>();
    tree.path("spec").path("egress").path(0).path("hosts").forEach(h -> hosts.add(h.asText()));
    SortedMap<String, HostSource> sources = new TreeMap<>();
    for (String host : hosts) {
      if (!host.equals(EgressHost.NONE.toString())) {
        sources.put(host, HostSource.of(List.of(HostSource.PREVIOUS), null));
      }
    }
    if (tree.path("metadata") instanceof ObjectNode metadata) {
      metadata.remove("annotations");
    }
    return new RenderedSidecar(workload, graphRevision, mode, null, yaml, write(tree), hosts, sources, List.of(), List.of(),
        0);
  }

  /**
   * Quotes what YAML would otherwise read as something else or refuse: Jackson's default rules
   * (reserved words such as {@code yes}, {@code ": "}, {@code " #"}, brackets, outer blanks), plus any
   * value that starts with a YAML indicator or a digit. The digit rule keeps numbers, dates and
   * timestamps in annotations strings for every YAML 1.1 reader (Kubernetes' included), and
   * quoting here instead of leaving it to SnakeYAML's fallback keeps one quote style throughout.
   */
  static final class KubernetesQuoting extends StringQuotingChecker.Default {
    private static final long serialVersionUID = 1L;
    private static final String INDICATORS = "-?:,[]{}#&*!|>'\"%@`~+=<\\";

    @Override
    public boolean needToQuoteValue(String value) {
      if (value.isEmpty() || super.needToQuoteValue(value)) {
        return true;
      }
      char first = value.charAt(0);
      if (INDICATORS.indexOf(first) >= 0 || Character.isDigit(first)) {
        return true;
      }
      // ".5" and ".inf" are YAML floats; "./host" is not.
      return first == '.' && !value.startsWith("./");
    }
  }
}
