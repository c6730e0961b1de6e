package io.meshscope.generator.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.TypeRegistry;
import com.google.protobuf.util.JsonFormat;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.access_loggers.stream.v3.StdoutAccessLog;
import io.envoyproxy.envoy.extensions.clusters.dynamic_forward_proxy.v3.ClusterConfig;
import io.envoyproxy.envoy.extensions.filters.http.lua.v3.Lua;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.jse.JsePlatform;

/**
 * The manifests under {@code deploy/} as Istio 1.30.3 and Envoy would read them: every Istio
 * resource against its CRD schema ({@code deploy/istio-crds}, see SOURCE.md there), the fallback
 * forwarder's Envoy config as Envoy's own v3 protos, its Lua filter run, and the fallback's names
 * as the generator's default names them (docs/adaptive.md).
 */
class DeployManifestsTest {
  private static final Path DEPLOY = Path.of("..", "deploy");
  private static final Set<String> ISTIO_GROUPS = Set.of("networking.istio.io", "security.istio.io",
      "telemetry.istio.io");

  @Test
  void everyIstioResourceIsValidForTheCrdOfItsVersion() throws IOException {
    Map<String, JsonNode> crds = new HashMap<>();
    try (Stream<Path> files = Files.list(DEPLOY.resolve("istio-crds"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".crd.yaml")).toList()) {
        JsonNode crd = CrdSchema.readYaml(Files.readString(f));
        crds.put(crd.path("spec").path("group").asText() + "/" + crd.path("spec").path("names").path("kind").asText(),
            crd);
      }
    }
    List<String> checked = new ArrayList<>();
    for (Path file : manifests()) {
      for (JsonNode doc : documents(file)) {
        String[] apiVersion = doc.path("apiVersion").asText().split("/");
        if (apiVersion.length != 2 || !ISTIO_GROUPS.contains(apiVersion[0])) {
          continue;
        }
        String kind = doc.path("kind").asText();
        JsonNode crd = crds.get(apiVersion[0] + "/" + kind);
        assertTrue(crd != null, file + ": no CRD in deploy/istio-crds for " + apiVersion[0] + "/" + kind);
        Schema schema = CrdSchema.forCrd(crd, apiVersion[1]);
        List<Error> errors = schema.validate(doc);
        assertTrue(errors.isEmpty(), file + ": " + kind + " " + doc.path("metadata").path("name").asText() + ": "
            + errors);
        JsonNode selector = doc.path("spec").has("workloadSelector") ? doc.path("spec").path("workloadSelector")
            .path("labels") : doc.path("spec").path("selector").path("matchLabels");
        if (doc.path("spec").has("workloadSelector") || doc.path("spec").has("selector")) {
          assertTrue(!selector.isEmpty(), file + ": an empty selector selects every workload");
        }
        checked.add(file.getFileName() + ":" + kind);
      }
    }
    assertTrue(new TreeSet<>(checked).containsAll(List.of("fallback.yaml:Sidecar", "fallback.yaml:PeerAuthentication",
        "fallback.yaml:AuthorizationPolicy", "fallback.yaml:Telemetry", "istio-telemetry.yaml:Telemetry")),
        "checked: " + checked);
  }

  @Test
  void aResourceTheCrdRefusesIsRefused() throws IOException {
    JsonNode crd = CrdSchema.readYaml(Files.readString(DEPLOY.resolve("istio-crds/peerauthentications.security.istio.io.crd.yaml")));
    JsonNode bad = CrdSchema.readYaml("""
        apiVersion: security.istio.io/v1
        kind: PeerAuthentication
        metadata: {name: x, namespace: istio-system}
        spec:
          mtls: {mode: STRICTEST}
        """);
    assertTrue(!CrdSchema.forCrd(crd, "v1").validate(bad).isEmpty(), "an invalid mTLS mode must fail");
  }

  @Test
  void theFallbackIsWhereTheGeneratorsAdaptiveSidecarsSendCalls() throws IOException {
    JsonNode service = resource("Service");
    EgressProxy proxy = SidecarRenderer.DEFAULT_EGRESS_PROXY;
    assertEquals(proxy.host(), service.path("metadata").path("name").asText() + "."
        + service.path("metadata").path("namespace").asText() + ".svc.cluster.local");
    JsonNode port = service.path("spec").path("ports").path(0);
    assertEquals(proxy.port(), port.path("port").asInt());
    assertTrue(!port.has("appProtocol") && !port.path("name").asText().contains("-"),
        "no declared protocol: the sidecar must sniff, so that TLS passes as bytes");

    JsonNode pod = resource("Deployment").path("spec").path("template").path("metadata").path("labels");
    // The analyzer's default egress.proxies (istio-system/istio-axds-egressgateway) names the workload by this label.
    assertEquals("istio-axds-egressgateway", pod.path("app").asText());
    assertEquals("off", pod.path("sidecar.meshscope.io/mode").asText());
    assertEquals("true", pod.path("sidecar.istio.io/inject").asText());
    assertEquals(port.path("targetPort").asInt(), listener().getAddress().getSocketAddress().getPortValue());
  }

  @Test
  void theForwarderConfigIsEnvoysV3ConfigAndEveryNameItUsesExists() throws IOException {
    Bootstrap bootstrap = bootstrap();
    Set<String> clusters = new TreeSet<>();
    for (Cluster c : bootstrap.getStaticResources().getClustersList()) {
      clusters.add(c.getName());
      assertTrue(c.getClusterType().getTypedConfig().is(ClusterConfig.class), c.getName());
      // Envoy refuses a dynamic forward proxy cluster whose protocol options lack auto SNI and SAN
      // validation, and fills them in only when it has no protocol options of its own
      // (source/extensions/clusters/dynamic_forward_proxy/cluster.cc; envoyproxy/envoy#25504).
      var options = c.getTypedExtensionProtocolOptionsMap().get("envoy.extensions.upstreams.http.v3.HttpProtocolOptions");
      if (options != null) {
        HttpProtocolOptions http = options.unpack(HttpProtocolOptions.class);
        assertTrue(http.getUpstreamHttpProtocolOptions().getAutoSni()
            && http.getUpstreamHttpProtocolOptions().getAutoSanValidation(), c.getName() + ": Envoy would refuse it");
      }
    }
    Listener listener = listener();
    Map<String, FilterChain> chains = new HashMap<>();
    listener.getFilterChainsList().forEach(c -> chains.put(c.getName(), c));
    assertEquals("tls", chains.get("tls").getFilterChainMatch().getTransportProtocol());
    TcpProxy tcp = chains.get("tls").getFilters(1).getTypedConfig().unpack(TcpProxy.class);
    assertTrue(clusters.contains(tcp.getCluster()), tcp.getCluster());

    Filter hcmFilter = chains.get("http").getFilters(0);
    HttpConnectionManager hcm = hcmFilter.getTypedConfig().unpack(HttpConnectionManager.class);
    // The default, SANITIZE, removes the header before any filter runs: the Lua filter would never
    // see the caller's certificate (Envoy's ConnectionManagerUtility::mutateXfccRequestHeader).
    assertEquals(HttpConnectionManager.ForwardClientCertDetails.ALWAYS_FORWARD_ONLY,
        hcm.getForwardClientCertDetails());
    String routed = hcm.getRouteConfig().getVirtualHosts(0).getRoutes(0).getRoute().getCluster();
    assertTrue(clusters.contains(routed), routed);
    assertEquals(0, hcm.getRouteConfig().getVirtualHosts(0).getRoutes(0).getRoute().getTimeout().getSeconds(),
        "no timeout of its own: the VirtualService's applies at the forwarder's sidecar");
    Lua lua = hcm.getHttpFilters(0).getTypedConfig().unpack(Lua.class);
    String script = lua.getDefaultSourceCode().getFilename();
    assertTrue(script.startsWith("/etc/envoy/") && configMap().has(script.substring("/etc/envoy/".length())),
        "the Lua file is in the ConfigMap: " + script);
    assertEquals("envoy.filters.http.router", hcm.getHttpFilters(hcm.getHttpFiltersCount() - 1).getName());
  }

  @ParameterizedTest(name = "{0} from {1}")
  @CsvSource(nullValues = "null", value = {
      // authority, x-forwarded-client-cert, expected authority after the filter (or the status it answered)
      "reviews:9080, By=spiffe://cluster.local/ns/istio-system/sa/istio-axds-egressgateway;URI=spiffe://cluster.local/ns/bookinfo/sa/bookinfo-productpage, reviews.bookinfo:9080",
      "reviews, URI=spiffe://cluster.local/ns/shop/sa/default, reviews.shop",
      "reviews.bookinfo:9080, null, reviews.bookinfo:9080",
      "api.example.com, null, api.example.com",
      // An address, not a name: no way around the mesh to any IP.
      "10.96.0.7:9080, null, 403",
      "169.254.169.254, URI=spiffe://cluster.local/ns/shop/sa/default, 403",
      "'[fd00::1]:80', null, 403",
      // A client's forged element comes first; the sidecar appends the real one after it.
      "'ratings:9080', 'URI=spiffe://cluster.local/ns/evil/sa/x,By=spiffe://cluster.local/ns/istio-system/sa/f;URI=spiffe://cluster.local/ns/bookinfo/sa/bookinfo-reviews', ratings.bookinfo:9080",
      "reviews:9080, null, 502",
      "reviews:9080, By=spiffe://cluster.local/ns/istio-system/sa/f;Hash=abc, 502",
  })
  void theLuaFilterExpandsAOneLabelNameInTheCallersNamespaceOnly(String authority, String xfcc, String expected)
      throws IOException {
    Globals lua = JsePlatform.standardGlobals();
    lua.load(configMap().path("expand-short-names.lua").asText(), "expand-short-names.lua").call();
    // A stand-in for Envoy's stream handle: headers():get/replace and respond, as the filter uses them.
    lua.load("""
        function run(authority, xfcc)
          local h = {[":authority"] = authority, ["x-forwarded-client-cert"] = xfcc}
          local status = nil
          local headers = {
            get = function(self, name) return h[name] end,
            replace = function(self, name, value) h[name] = value end,
            remove = function(self, name) h[name] = nil end,
          }
          local handle = {
            headers = function(self) return headers end,
            respond = function(self, hs, body) status = hs[":status"] end,
          }
          envoy_on_request(handle)
          if h["x-forwarded-client-cert"] ~= nil then
            return "x-forwarded-client-cert passed on"
          end
          return status or h[":authority"]
        end
        """, "stub").call();
    LuaValue result = lua.get("run").call(LuaValue.valueOf(authority),
        xfcc == null ? LuaValue.NIL : LuaValue.valueOf(xfcc));
    assertEquals(expected, result.tojstring());
  }

  // ---- reading -------------------------------------------------------------------------------

  private static List<Path> manifests() throws IOException {
    try (Stream<Path> files = Files.list(DEPLOY)) {
      return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
  }

  private static List<JsonNode> documents(Path file) throws IOException {
    List<JsonNode> docs = new ArrayList<>();
    try (JsonParser parser = CrdSchema.YAML.createParser(Files.readString(file));
        MappingIterator<JsonNode> it = CrdSchema.YAML.readValues(parser, JsonNode.class)) {
      it.forEachRemaining(d -> {
        if (d != null && !d.isEmpty()) {
          docs.add(d);
        }
      });
    }
    return docs;
  }

  private static JsonNode resource(String kind) throws IOException {
    return documents(DEPLOY.resolve("fallback.yaml")).stream().filter(d -> kind.equals(d.path("kind").asText()))
        .findFirst().orElseThrow(() -> new AssertionError("fallback.yaml has no " + kind));
  }

  private static JsonNode configMap() throws IOException {
    return resource("ConfigMap").path("data");
  }

  private static Bootstrap bootstrap() throws IOException {
    String json = new ObjectMapper().writeValueAsString(CrdSchema.readYaml(configMap().path("envoy.yaml").asText()));
    TypeRegistry types = TypeRegistry.newBuilder()
        .add(TlsInspector.getDescriptor())
        .add(HttpConnectionManager.getDescriptor())
        .add(TcpProxy.getDescriptor())
        .add(io.envoyproxy.envoy.extensions.filters.network.sni_dynamic_forward_proxy.v3.FilterConfig.getDescriptor())
        .add(io.envoyproxy.envoy.extensions.filters.http.dynamic_forward_proxy.v3.FilterConfig.getDescriptor())
        .add(Lua.getDescriptor())
        .add(Router.getDescriptor())
        .add(StdoutAccessLog.getDescriptor())
        .add(ClusterConfig.getDescriptor())
        .add(HttpProtocolOptions.getDescriptor())
        .build();
    Bootstrap.Builder b = Bootstrap.newBuilder();
    // Unknown fields fail, as Envoy's own config loading makes them fail.
    JsonFormat.parser().usingTypeRegistry(types).merge(json, b);
    return b.build();
  }

  private static Listener listener() throws IOException {
    return bootstrap().getStaticResources().getListeners(0);
  }
}
