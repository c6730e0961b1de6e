package io.meshscope.client.simulate;

import java.util.ArrayList;
import java.util.List;

/**
 * Who calls whom in a simulated mesh: each proxy with the calls its access log shows.
 *
 * @param workloads the proxies, each of which opens its own ALS stream
 */
public record Topology(String name, List<Proxy> workloads) {

  /** A proxy (a pod's sidecar or a gateway) and its outbound calls. */
  public record Proxy(String role, String namespace, String app, String version, String ip, List<Call> calls) {
    public String pod() {
      return app + (version == null ? "" : "-" + version) + "-5d8f7c9b6-" + Integer.toHexString(ip.hashCode() & 0xfffff);
    }
  }

  /** One kind of call: {@code tcp} calls log TCP entries, the rest HTTP. */
  public record Call(String host, int port, boolean tcp, String path) {}

  /**
   * Istio's Bookinfo sample: the ingress gateway calls productpage, which calls details and
   * reviews; reviews v2 and v3 call ratings; ratings v2 reads mongodb over TCP.
   */
  public static Topology bookinfo(String ns) {
    String svc = "." + ns + ".svc.cluster.local";
    Call productpage = new Call("productpage" + svc, 9080, false, "/productpage");
    Call details = new Call("details" + svc, 9080, false, "/details/0");
    Call reviews = new Call("reviews" + svc, 9080, false, "/reviews/0");
    Call ratings = new Call("ratings" + svc, 9080, false, "/ratings/0");
    Call mongodb = new Call("mongodb" + svc, 27017, true, null);
    return new Topology("bookinfo", List.of(
        new Proxy("router", "istio-system", "istio-ingressgateway", null, "10.44.0.2", List.of(productpage)),
        new Proxy("sidecar", ns, "productpage", "v1", "10.44.0.10", List.of(details, reviews)),
        new Proxy("sidecar", ns, "details", "v1", "10.44.0.11", List.of()),
        new Proxy("sidecar", ns, "reviews", "v1", "10.44.0.12", List.of()),
        new Proxy("sidecar", ns, "reviews", "v2", "10.44.0.13", List.of(ratings)),
        new Proxy("sidecar", ns, "reviews", "v3", "10.44.0.14", List.of(ratings)),
        new Proxy("sidecar", ns, "ratings", "v1", "10.44.0.15", List.of()),
        new Proxy("sidecar", ns, "ratings", "v2", "10.44.0.16", List.of(mongodb)),
        new Proxy("sidecar", ns, "mongodb", "v1", "10.44.0.17", List.of())));
  }

  /**
   * A synthetic mesh of {@code services} services in {@code namespaces} namespaces, each calling
   * {@code fanOut} others chosen deterministically, so runs are comparable.
   */
  public static Topology synthetic(int services, int fanOut, int namespaces) {
    if (services < 1 || fanOut < 0 || fanOut >= services || namespaces < 1) {
      throw new IllegalArgumentException("need services >= 1, 0 <= fan-out < services, namespaces >= 1; got services="
          + services + " fan-out=" + fanOut + " namespaces=" + namespaces);
    }
    List<Proxy> proxies = new ArrayList<>();
    for (int i = 0; i < services; i++) {
      List<Call> calls = new ArrayList<>();
      for (int k = 1; k <= fanOut; k++) {
        int j = (int) ((i + (long) k * 7919) % services);
        if (j == i) {
          j = (j + 1) % services;
        }
        calls.add(new Call("svc-" + j + ".ns-" + (j % namespaces) + ".svc.cluster.local", 8080, false, "/api/" + k));
      }
      proxies.add(new Proxy("sidecar", "ns-" + (i % namespaces), "svc-" + i, "v1",
          "10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255), calls));
    }
    return new Topology("synthetic-" + services + "x" + fanOut, proxies);
  }
}
