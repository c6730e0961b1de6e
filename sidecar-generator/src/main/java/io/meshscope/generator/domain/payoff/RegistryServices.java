package io.meshscope.generator.domain.payoff;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meshscope.generator.domain.KubernetesNames;
import io.meshscope.schemas.SafeText;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Reads the mesh's Kubernetes services from what {@code kubectl get services -A -o json} prints, so
 * that the payoff counts the services nobody called and every declared port, not only what the logs
 * showed. Only names, namespaces and ports are read; anything else in the file is ignored.
 *
 * <p>A port carries HTTP, and so a route entry in every importing proxy, when Istio would treat it as
 * HTTP: its {@code appProtocol} or its name's prefix (the part before the first {@code -}) is an
 * HTTP protocol, or neither says anything, in which case Istio sniffs the protocol and builds the
 * HTTP route as well ({@code docs/payoff.md}).
 */
public final class RegistryServices {
  private RegistryServices() {}

  /** One declared service. */
  public record Declared(String host, SortedSet<Integer> ports, SortedSet<Integer> httpPorts) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> HTTP = Set.of("http", "http2", "grpc", "grpc-web", "h2c");
  private static final Set<String> OTHER = Set.of("https", "tls", "tcp", "mongo", "mysql", "redis", "udp");

  /**
   * Parses a {@code v1} {@code List} of services, or one {@code Service}.
   *
   * @throws IllegalArgumentException saying what is wrong, with the item's position
   */
  public static List<Declared> fromKubectlJson(String json, String meshDomain) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("expected the JSON object kubectl prints, a List of Services");
    }
    List<JsonNode> items = new ArrayList<>();
    if ("Service".equals(root.path("kind").asText())) {
      items.add(root);
    } else if (root.path("items").isArray()) {
      root.path("items").forEach(items::add);
    } else {
      throw new IllegalArgumentException("expected kind List with items, or kind Service; found kind "
          + SafeText.quoted(root.path("kind").asText()));
    }
    List<Declared> declared = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      JsonNode item = items.get(i);
      if (!"Service".equals(item.path("kind").asText("Service"))) {
        continue;
      }
      String name = item.path("metadata").path("name").asText("");
      String namespace = item.path("metadata").path("namespace").asText("");
      if (KubernetesNames.namespaceProblem(namespace).isPresent() || KubernetesNames.namespaceProblem(name).isPresent()) {
        throw new IllegalArgumentException("item " + i + ": service " + SafeText.quoted(namespace + "/" + name)
            + " has no valid metadata.name and metadata.namespace");
      }
      SortedSet<Integer> ports = new TreeSet<>();
      SortedSet<Integer> http = new TreeSet<>();
      for (JsonNode port : item.path("spec").path("ports")) {
        int number = port.path("port").asInt(-1);
        if (number < 1 || number > 65535) {
          throw new IllegalArgumentException("item " + i + " (" + namespace + "/" + name + "): port "
              + SafeText.quoted(port.path("port").asText()) + " is not 1-65535");
        }
        ports.add(number);
        if (carriesHttp(port.path("appProtocol").asText(""), port.path("name").asText(""))) {
          http.add(number);
        }
      }
      declared.add(new Declared(name + "." + namespace + ".svc." + meshDomain, ports, http));
    }
    return declared;
  }

  static boolean carriesHttp(String appProtocol, String portName) {
    String declared = !appProtocol.isEmpty() ? appProtocol : prefix(portName);
    declared = declared.toLowerCase(Locale.ROOT);
    if (HTTP.contains(declared)) {
      return true;
    }
    return !OTHER.contains(declared);
  }

  private static String prefix(String portName) {
    int dash = portName.indexOf('-');
    return dash < 0 ? portName : portName.substring(0, dash);
  }
}
