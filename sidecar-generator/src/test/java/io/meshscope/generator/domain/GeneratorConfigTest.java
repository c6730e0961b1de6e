package io.meshscope.generator.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GeneratorConfigTest {

  private static final String FULL = """
      mode: recommend
      meshDomain: cluster.local
      defaultHosts:
        - istio-system/*
        - monitoring/prometheus.monitoring.svc.cluster.local
      egressProxy:
        host: istio-egressgateway.istio-system.svc.cluster.local
        port: 443
      adaptive:
        namespaces: [legacy]
        workloads: [shop/cart]
      workloads:
        bookinfo/productpage:
          pinnedHosts: [api.example.com, "monitoring/*", "*.googleapis.com"]
          excludedHosts: [tracking.example.com]
      quietPeriod: 15m
      debounce: 90s
      """;

  @Test
  void readsEverySetting() {
    GeneratorConfig config = GeneratorConfig.fromYaml(FULL);

    assertEquals("""
        mode=recommend
        meshDomain=cluster.local
        defaultHosts=[istio-system/*, monitoring/prometheus.monitoring.svc.cluster.local]
        egressProxy=istio-egressgateway.istio-system.svc.cluster.local:443
        adaptive.namespaces=[legacy]
        adaptive.workloads=[shop/cart]
        pinnedHosts={bookinfo/productpage=[api.example.com, monitoring/*, *.googleapis.com]}
        excludedHosts={bookinfo/productpage=[tracking.example.com]}""", config.renderer().toString());
    assertEquals(new EmitTimings(Duration.ofMinutes(15), Duration.ofSeconds(90)), config.timings());
    assertEquals(config.renderer().toString(), GeneratorConfig.fromYaml(new StringReader(FULL)).renderer().toString());
  }

  @Test
  void theSettingsTakeEffect() {
    SidecarRenderer renderer = GeneratorConfig.fromYaml(FULL).renderer();

    RenderedSidecar productpage = (RenderedSidecar) renderer.render(Graphs.graph("bookinfo", "productpage", 1,
        Graphs.edge("tracking.example.com"), Graphs.edge(Bookinfo.svc("details"))));
    RenderedSidecar cart = (RenderedSidecar) renderer.render(Graphs.graph("shop", "cart", 1));

    assertEquals(List.of("*/*.googleapis.com", "*/api.example.com", "./details.bookinfo.svc.cluster.local",
        "istio-system/*", "monitoring/*", "monitoring/prometheus.monitoring.svc.cluster.local"), productpage.hosts());
    assertEquals(GeneratorMode.RECOMMEND, productpage.mode());
    assertEquals(GeneratorMode.ADAPTIVE, cart.mode());
  }

  @Test
  void anEmptyDocumentMeansEveryDefault() {
    for (GeneratorConfig config : List.of(GeneratorConfig.fromYaml(""), GeneratorConfig.fromYaml("# nothing\n"),
        GeneratorConfig.fromMap(Map.of()), GeneratorConfig.defaults())) {
      assertEquals(SidecarRenderer.builder().build().toString(), config.renderer().toString());
      assertEquals(EmitTimings.defaults(), config.timings());
    }
    assertEquals("""
        mode=recommend
        meshDomain=cluster.local
        defaultHosts=[istio-system/*]
        egressProxy=istio-axds-egressgateway.istio-system.svc.cluster.local:80
        adaptive.namespaces=[]
        adaptive.workloads=[]
        pinnedHosts={}
        excludedHosts={}""", GeneratorConfig.defaults().renderer().toString());
    assertEquals(new EmitTimings(Duration.ofMinutes(10), Duration.ofMinutes(1)), EmitTimings.defaults());
  }

  @Test
  void readsAMapAsFlagsAndTestsBuildIt() {
    GeneratorConfig config = GeneratorConfig.fromMap(Map.of(
        "mode", "adaptive",
        "egressProxy", Map.of("host", "egress.corp.example.com", "port", 3128),
        "defaultHosts", List.of(),
        "quietPeriod", "PT1H"));

    RenderedSidecar sidecar = (RenderedSidecar) config.renderer().render(Bookinfo.details());

    assertEquals(List.of("*/egress.corp.example.com"), sidecar.hosts());
    assertEquals(Duration.ofHours(1), config.timings().quietPeriod());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      modee: x | config: unknown setting 'modee'; known: adaptive, debounce, defaultHosts, egressProxy, meshDomain, mode, quietPeriod, workloads
      mode: sometimes | mode: must be recommend or adaptive, was 'sometimes'
      mode: 'off' | mode: must be recommend or adaptive, was 'off'
      mode: 1 | mode: must be a string, was 1
      'meshDomain: Cluster.Local' | meshDomain: 'Cluster.Local' is not a domain a service host can end in (bad-label)
      'meshDomain:' | meshDomain: must not be empty
      'meshDomain: [a]' | meshDomain: must be a string, was a list
      'defaultHosts: istio-system/*' | defaultHosts: must be a list, was the string 'istio-system/*'
      'defaultHosts: [istio-system]' | defaultHosts[0]: 'istio-system' is not a valid host (single-label); write a lower-case DNS name such as api.example.com, *.example.com, or namespace/host such as istio-system/*
      'defaultHosts: [istio-system/*, istio-system/*]' | defaultHosts[1]: 'istio-system/*' is listed twice
      'defaultHosts: [""]' | defaultHosts[0]: must not be empty
      'defaultHosts: [7]' | defaultHosts[0]: must be a string, was 7
      'workloads: {productpage: {pinnedHosts: []}}' | workloads.productpage: 'productpage' is not a workload as namespace/name, e.g. bookinfo/productpage
      'workloads: {bookinfo/productpage: {pinnedHost: []}}' | workloads.bookinfo/productpage: unknown setting 'pinnedHost'; known: excludedHosts, pinnedHosts
      'workloads: {bookinfo/productpage: {pinnedHosts: [api.example.com, Foo.example.com]}}' | workloads.bookinfo/productpage.pinnedHosts[1]: 'Foo.example.com' is not a valid host (bad-label); write a lower-case DNS name such as api.example.com, *.example.com, or namespace/host such as istio-system/*
      'workloads: {bookinfo/productpage: {pinnedHosts: ["*/*"]}}' | workloads.bookinfo/productpage.pinnedHosts[0]: '*/*' imports every service of the mesh, which is what a Sidecar is there to prevent
      'workloads: {bookinfo/productpage: {pinnedHosts: [10.0.0.1]}}' | workloads.bookinfo/productpage.pinnedHosts[0]: '10.0.0.1' is not a valid host (ip-literal); write a lower-case DNS name such as api.example.com, *.example.com, or namespace/host such as istio-system/*
      'workloads: {bookinfo/productpage: {pinnedHosts: ["ns/a*.com"]}}' | workloads.bookinfo/productpage.pinnedHosts[0]: 'ns/a*.com': host 'a*.com' is neither * nor a valid host (bad-wildcard)
      'workloads: {bookinfo/productpage: {excludedHosts: ["../*"]}}' | workloads.bookinfo/productpage.excludedHosts[0]: '../*': namespace '..' is neither ., * nor a namespace name
      'workloads: {bookinfo/productpage: {pinnedHosts: ["a.com\\n- */*"]}}' | workloads.bookinfo/productpage.pinnedHosts[0]: 'a.com\\u000a- */*': namespace 'a.com\\u000a- *' is neither ., * nor a namespace name
      'workloads: {bookinfo/productpage: {pinnedHosts: ["a.com\\n- b"]}}' | workloads.bookinfo/productpage.pinnedHosts[0]: 'a.com\\u000a- b' is not a valid host (bad-label); write a lower-case DNS name such as api.example.com, *.example.com, or namespace/host such as istio-system/*
      'adaptive: {namespaces: [Legacy]}' | adaptive.namespaces[0]: 'Legacy' is not a lower-case RFC 1123 label
      'adaptive: {workloads: [cart]}' | adaptive.workloads[0]: 'cart' is not a workload as namespace/name, e.g. bookinfo/productpage
      'adaptive: {everything: true}' | adaptive: unknown setting 'everything'; known: namespaces, workloads
      'egressProxy: {host: egress.example.com}' | egressProxy.port: is required
      'egressProxy: {port: 443}' | egressProxy.host: is required
      'egressProxy: {host: egress.example.com, port: 70000}' | egressProxy.port: must be a port from 1 to 65535, was 70000
      'egressProxy: {host: egress.example.com, port: "443"}' | egressProxy.port: must be an integer, was the string '443'
      'egressProxy: {host: "*.example.com", port: 443}' | egressProxy.host: '*.example.com' must name one host, not a wildcard
      'egressProxy: {host: 10.0.0.9, port: 443}' | egressProxy.host: '10.0.0.9' is not a valid host (ip-literal)
      'egressProxy: egress.example.com:443' | egressProxy: must be a map, was the string 'egress.example.com:443'
      'quietPeriod: soon' | quietPeriod: must be a duration such as 90s, 10m, 2h, 1d or PT10M, was 'soon'
      'quietPeriod: 600' | quietPeriod: must be a duration such as 90s, 10m, 2h, 1d or PT10M, was 600
      'quietPeriod: -PT1M' | quietPeriod: must not be negative, was '-PT1M'
      '{quietPeriod: 1m, debounce: 5m}' | debounce: must not be longer than quietPeriod (PT1M), was PT5M
      '[mode]' | config: must be a map, was a list
      """)
  void refusesBadSettingsNamingTheCulprit(String yaml, String message) {
    InvalidConfigException e = assertThrows(InvalidConfigException.class,
        () -> GeneratorConfig.fromYaml(yaml));
    assertEquals(message, e.getMessage());
    assertTrue(message.startsWith(e.setting() + ": "), e.setting());
  }

  @Test
  void refusesYamlThatIsNotValid() {
    InvalidConfigException broken = assertThrows(InvalidConfigException.class, () -> GeneratorConfig.fromYaml("mode: [\n"));
    assertEquals("config", broken.setting());
    assertTrue(broken.getMessage().startsWith("config: is not valid YAML at line "), broken.getMessage());

    InvalidConfigException twice = assertThrows(InvalidConfigException.class,
        () -> GeneratorConfig.fromYaml("mode: recommend\nmode: adaptive\n"));
    assertTrue(twice.getMessage().startsWith("config: is not valid YAML at line 2"), twice.getMessage());
    assertTrue(twice.getMessage().contains("Duplicate field 'mode'"), twice.getMessage());
  }

  @Test
  void readsDurations() {
    assertEquals(Duration.ofSeconds(90), GeneratorConfig.duration("d", "90s"));
    assertEquals(Duration.ofMinutes(10), GeneratorConfig.duration("d", "10m"));
    assertEquals(Duration.ofHours(2), GeneratorConfig.duration("d", "2h"));
    assertEquals(Duration.ofDays(1), GeneratorConfig.duration("d", "1d"));
    assertEquals(Duration.ofMinutes(10), GeneratorConfig.duration("d", "PT10M"));
    assertEquals(Duration.ZERO, GeneratorConfig.duration("d", "0s"));
  }

  @Test
  void theBuilderNamesTheSameCulprits() {
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> SidecarRenderer.builder()
        .pinnedHosts("bookinfo/productpage", Arrays.asList("api.example.com", null)).build());
    assertEquals("workloads.bookinfo/productpage.pinnedHosts[1]: must not be null", e.getMessage());
    e = assertThrows(InvalidConfigException.class, () -> SidecarRenderer.builder().mode(null).build());
    assertEquals("mode: must be recommend or adaptive, was null", e.getMessage());
    e = assertThrows(InvalidConfigException.class, () -> new EmitTimings(Duration.ofMinutes(-1), Duration.ZERO));
    assertEquals("quietPeriod: must be a duration of zero or more, was PT-1M", e.getMessage());
  }
}
