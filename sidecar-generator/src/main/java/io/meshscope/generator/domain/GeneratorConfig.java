package io.meshscope.generator.domain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.meshscope.kit.Durations;
import io.meshscope.schemas.SafeText;
import java.io.IOException;
import java.io.Reader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The sidecar-generator's settings: how Sidecars are rendered and when they are published. Read from
 * a YAML document (the adapter reads the file), or from a {@code Map} as tests and flags build it.
 * Every setting is optional; unknown keys are errors, so a misspelled setting cannot silently keep
 * its default.
 *
 * <pre>
 * mode: recommend                 # or adaptive (every workload); default recommend; a pod's label or
 *                                 # annotation sidecar.meshscope.io/mode (adaptive|recommend|off) overrides it
 * meshDomain: cluster.local       # the cluster's DNS domain; default cluster.local
 * defaultHosts:                   # hosts every Sidecar gets; default [istio-system/*]; [] for none
 *   - istio-system/*
 * egressProxy:                    # where adaptive Sidecars send what they do not list; default the
 *   host: istio-axds-egressgateway.istio-system.svc.cluster.local   # fallback of deploy/fallback.yaml
 *   port: 80
 * adaptive:                       # adaptive mode for some workloads only
 *   namespaces: [legacy]
 *   workloads: [shop/cart]
 * workloads:                      # per workload, by namespace/name
 *   bookinfo/productpage:
 *     pinnedHosts: [api.example.com, monitoring/*]   # always in the Sidecar
 *     excludedHosts: [tracking.example.com]          # never, even when learned
 * quietPeriod: 10m                # quiet before the first emission and before removals; default 10m
 * debounce: 1m                    # wait for more changes before publishing additions; default 1m
 * </pre>
 *
 * A host is a bare host ({@code api.example.com}, {@code *.example.com},
 * {@code ratings.bookinfo.svc.cluster.local}), placed in a namespace the way learned hosts are, or an
 * explicit {@code namespace/host} entry: namespace {@code .}, {@code *} or a name, host {@code *} or a
 * valid host ({@code *}{@code /*} is refused). Excluded entries are matched exactly after that
 * placement. Durations are {@code 90s}, {@code 10m}, {@code 2h}, {@code 1d} or ISO-8601 ({@code PT10M}).
 */
public record GeneratorConfig(SidecarRenderer renderer, EmitTimings timings) {

  private static final Set<String> TOP_KEYS = Set.of(
      "mode", "meshDomain", "defaultHosts", "egressProxy", "adaptive", "workloads", "quietPeriod", "debounce");
  private static final Set<String> PROXY_KEYS = Set.of("host", "port");
  private static final Set<String> ADAPTIVE_KEYS = Set.of("namespaces", "workloads");
  private static final Set<String> WORKLOAD_KEYS = Set.of("pinnedHosts", "excludedHosts");

  private static final YAMLMapper YAML = new YAMLMapper(YAMLFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build());

  public GeneratorConfig {
    Objects.requireNonNull(renderer, "renderer");
    Objects.requireNonNull(timings, "timings");
  }

  public static GeneratorConfig defaults() {
    return fromMap(Map.of());
  }

  public static GeneratorConfig fromYaml(String yaml) {
    try {
      return fromTree(YAML.readTree(yaml));
    } catch (JsonProcessingException e) {
      throw notYaml(e);
    }
  }

  public static GeneratorConfig fromYaml(Reader yaml) {
    try {
      return fromTree(YAML.readTree(yaml));
    } catch (JsonProcessingException e) {
      throw notYaml(e);
    } catch (IOException e) {
      throw new InvalidConfigException("config", "cannot be read: " + e.getMessage(), e);
    }
  }

  private static InvalidConfigException notYaml(JsonProcessingException e) {
    String where = e.getLocation() == null ? ""
        : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
    return new InvalidConfigException("config", "is not valid YAML" + where + ": " + e.getOriginalMessage(), e);
  }

  private static GeneratorConfig fromTree(JsonNode tree) throws JsonProcessingException {
    // An empty document (or one of comments only) means every default.
    if (tree == null || tree.isMissingNode() || tree.isNull()) {
      return fromMap(Map.of());
    }
    return fromMap(map("config", YAML.treeToValue(tree, Object.class)));
  }

  public static GeneratorConfig fromMap(Map<String, ?> settings) {
    requireKnownKeys("config", settings, TOP_KEYS);
    SidecarRenderer.Builder builder = SidecarRenderer.builder();
    if (settings.containsKey("mode")) {
      builder.mode(GeneratorMode.fromLabel("mode", string("mode", settings.get("mode"))));
    }
    if (settings.containsKey("meshDomain")) {
      builder.meshDomain(string("meshDomain", settings.get("meshDomain")));
    }
    if (settings.containsKey("defaultHosts")) {
      builder.defaultHosts(strings("defaultHosts", settings.get("defaultHosts")));
    }
    if (settings.containsKey("egressProxy")) {
      Map<String, ?> proxy = map("egressProxy", settings.get("egressProxy"));
      requireKnownKeys("egressProxy", proxy, PROXY_KEYS);
      requirePresent("egressProxy", proxy, "host");
      requirePresent("egressProxy", proxy, "port");
      builder.egressProxy(new EgressProxy(string("egressProxy.host", proxy.get("host")),
          integer("egressProxy.port", proxy.get("port"))));
    }
    if (settings.containsKey("adaptive")) {
      Map<String, ?> adaptive = map("adaptive", settings.get("adaptive"));
      requireKnownKeys("adaptive", adaptive, ADAPTIVE_KEYS);
      if (adaptive.containsKey("namespaces")) {
        builder.adaptiveNamespaces(strings("adaptive.namespaces", adaptive.get("namespaces")));
      }
      if (adaptive.containsKey("workloads")) {
        builder.adaptiveWorkloads(strings("adaptive.workloads", adaptive.get("workloads")));
      }
    }
    if (settings.containsKey("workloads")) {
      Map<String, ?> workloads = map("workloads", settings.get("workloads"));
      for (Map.Entry<String, ?> entry : workloads.entrySet()) {
        String key = entry.getKey();
        String path = "workloads." + SafeText.escaped(key);
        SidecarRenderer.Builder.requireWorkloadKey(path, key);
        Map<String, ?> workload = map(path, entry.getValue());
        requireKnownKeys(path, workload, WORKLOAD_KEYS);
        if (workload.containsKey("pinnedHosts")) {
          builder.pinnedHosts(key, strings(path + ".pinnedHosts", workload.get("pinnedHosts")));
        }
        if (workload.containsKey("excludedHosts")) {
          builder.excludedHosts(key, strings(path + ".excludedHosts", workload.get("excludedHosts")));
        }
      }
    }
    Duration quiet = settings.containsKey("quietPeriod")
        ? duration("quietPeriod", settings.get("quietPeriod")) : EmitTimings.DEFAULT_QUIET_PERIOD;
    Duration debounce = settings.containsKey("debounce")
        ? duration("debounce", settings.get("debounce")) : EmitTimings.DEFAULT_DEBOUNCE;
    return new GeneratorConfig(builder.build(), new EmitTimings(quiet, debounce));
  }

  private static void requireKnownKeys(String path, Map<String, ?> map, Set<String> known) {
    for (String key : new TreeSet<>(map.keySet())) {
      if (!known.contains(key)) {
        throw new InvalidConfigException(path, "unknown setting " + SafeText.quoted(key) + "; known: "
            + String.join(", ", new TreeSet<>(known)));
      }
    }
  }

  private static void requirePresent(String path, Map<String, ?> map, String key) {
    if (!map.containsKey(key)) {
      throw new InvalidConfigException(path + "." + key, "is required");
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, ?> map(String path, Object value) {
    if (!(value instanceof Map)) {
      throw new InvalidConfigException(path, "must be a map, was " + describe(value));
    }
    Map<?, ?> map = (Map<?, ?>) value;
    for (Object key : map.keySet()) {
      if (!(key instanceof String)) {
        throw new InvalidConfigException(path, "keys must be strings, found " + describe(key));
      }
    }
    return (Map<String, ?>) map;
  }

  private static String string(String path, Object value) {
    if (!(value instanceof String text)) {
      throw new InvalidConfigException(path, "must be a string, was " + describe(value));
    }
    return text;
  }

  private static List<String> strings(String path, Object value) {
    if (!(value instanceof List<?> list)) {
      throw new InvalidConfigException(path, "must be a list, was " + describe(value));
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      out.add(string(path + "[" + i + "]", list.get(i)));
    }
    return out;
  }

  private static int integer(String path, Object value) {
    if (!(value instanceof Integer number)) {
      throw new InvalidConfigException(path, "must be an integer, was " + describe(value));
    }
    return number;
  }

  static Duration duration(String path, Object value) {
    String text = value instanceof String s ? s.trim() : null;
    if (text != null && text.startsWith("-") && Durations.parse(text.substring(1)).isPresent()) {
      throw new InvalidConfigException(path, "must not be negative, was " + SafeText.quoted(text));
    }
    return Durations.parse(text).orElseThrow(() -> new InvalidConfigException(path,
        "must be a duration such as 90s, 10m, 2h, 1d or PT10M, was "
            + (text != null ? SafeText.quoted(text) : describe(value))));
  }

  private static String describe(Object value) {
    if (value == null) {
      return "empty";
    }
    if (value instanceof String s) {
      return "the string " + SafeText.quoted(s);
    }
    if (value instanceof Number || value instanceof Boolean) {
      return SafeText.escaped(value.toString());
    }
    if (value instanceof List) {
      return "a list";
    }
    if (value instanceof Map) {
      return "a map";
    }
    return "a " + value.getClass().getSimpleName();
  }
}
