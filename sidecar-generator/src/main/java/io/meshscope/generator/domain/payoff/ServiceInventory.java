package io.meshscope.generator.domain.payoff;

import io.meshscope.generator.domain.EgressHost;
import io.meshscope.generator.domain.EgressHostMapper;
import io.meshscope.schemas.DependencyGraph;
import io.meshscope.schemas.Edge;
import io.meshscope.schemas.Hosts;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The services a proxy without a Sidecar receives configuration for, as far as meshscope knows them,
 * with what each costs a proxy that imports it: a cluster per port, its endpoints in each of those
 * clusters, and a route entry per HTTP port.
 *
 * <p>From the graphs alone only services some call reached are known, with only the ports that were
 * used, so every count built on them is a lower bound. A registry list ({@link RegistryServices})
 * adds the services nobody called and every declared port. Subsets (a cluster per DestinationRule
 * subset and port) are never known: meshscope reads no DestinationRule.
 */
public final class ServiceInventory {

  /**
   * One service.
   *
   * @param namespace the Kubernetes namespace, or null for a host outside the mesh domain
   *     (ServiceEntry, external name)
   * @param ports every port known; empty when no port was seen (counted as one)
   * @param httpPorts the ones that carry HTTP, each a route entry in every importing proxy
   * @param endpoints instances behind it: the reporting instances of the workload of the same name
   *     and namespace, else 1
   */
  public record Service(String host, String namespace, SortedSet<Integer> ports, SortedSet<Integer> httpPorts,
      int endpoints) {
    public Service {
      ports = Collections.unmodifiableSortedSet(new TreeSet<>(ports));
      httpPorts = Collections.unmodifiableSortedSet(new TreeSet<>(httpPorts));
      endpoints = Math.max(1, endpoints);
    }

    /** Envoy builds one outbound cluster per service port. */
    public int clusters() {
      return Math.max(1, ports.size());
    }

    /** Each cluster holds every endpoint of the service. */
    public long clusterEndpoints() {
      return (long) clusters() * endpoints;
    }

    public int virtualHosts() {
      return httpPorts.size();
    }
  }

  /** Where the list of services came from. */
  public enum Source {
    LOGS, REGISTRY;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final SortedMap<String, Service> services;
  private final Map<String, List<Service>> byNamespace = new TreeMap<>();
  private final Source source;
  private final List<String> notes;

  private ServiceInventory(SortedMap<String, Service> services, Source source, List<String> notes) {
    this.services = Collections.unmodifiableSortedMap(services);
    this.source = source;
    this.notes = List.copyOf(notes);
    for (Service s : services.values()) {
      if (s.namespace() != null) {
        byNamespace.computeIfAbsent(s.namespace(), n -> new ArrayList<>()).add(s);
      }
    }
  }

  /**
   * The services a Sidecar of {@code sidecarNamespace} with these entries imports, by
   * {@link EgressHost#imports}: looked up by host or namespace where the entry names one, so that a
   * mesh of thousands of Sidecars and services is not a product of the two.
   */
  public Set<Service> imported(String sidecarNamespace, List<EgressHost> entries) {
    Set<Service> imported = new HashSet<>();
    for (EgressHost e : entries) {
      if (e.equals(EgressHost.NONE)) {
        continue;
      }
      String ns = EgressHost.SAME_NAMESPACE.equals(e.namespace()) ? sidecarNamespace : e.namespace();
      Collection<Service> candidates;
      if (!e.isWildcard()) {
        Service s = services.get(e.host());
        candidates = s == null ? List.of() : List.of(s);
      } else if (EgressHost.ALL_HOSTS.equals(e.host()) && !EgressHost.ANY_NAMESPACE.equals(ns)) {
        candidates = byNamespace.getOrDefault(ns, List.of());
      } else {
        candidates = services.values();
      }
      for (Service s : candidates) {
        if (e.imports(sidecarNamespace, s.namespace(), s.host())) {
          imported.add(s);
        }
      }
    }
    return imported;
  }

  /**
   * Every valid callee host of the graphs, with the ports and protocols its edges saw; endpoints
   * from the instances of the workload that bears the service's name.
   */
  public static ServiceInventory fromGraphs(Collection<DependencyGraph> graphs, EgressHostMapper mapper) {
    return build(graphs, mapper, List.of());
  }

  /**
   * The registry's services, each with its declared ports, plus the hosts the graphs saw that the
   * registry does not list (ServiceEntries, external names).
   */
  public static ServiceInventory withRegistry(Collection<DependencyGraph> graphs, EgressHostMapper mapper,
      List<RegistryServices.Declared> registry) {
    return build(graphs, mapper, registry);
  }

  private static ServiceInventory build(Collection<DependencyGraph> graphs, EgressHostMapper mapper,
      List<RegistryServices.Declared> registry) {
    Map<String, Integer> instances = new TreeMap<>();
    for (DependencyGraph g : graphs) {
      instances.merge(g.workload().key(), Math.max(1, g.instances()), Math::max);
    }
    SortedMap<String, SortedSet<Integer>> ports = new TreeMap<>();
    SortedMap<String, SortedSet<Integer>> httpPorts = new TreeMap<>();
    for (RegistryServices.Declared d : registry) {
      ports.computeIfAbsent(d.host(), h -> new TreeSet<>()).addAll(d.ports());
      httpPorts.computeIfAbsent(d.host(), h -> new TreeSet<>()).addAll(d.httpPorts());
    }
    // The registry's declared ports are the truth for its services; other hosts take the ports seen.
    Set<String> registered = new TreeSet<>(ports.keySet());
    for (DependencyGraph g : graphs) {
      for (Edge e : g.edges()) {
        if (!Hosts.isValid(e.host()) || registered.contains(e.host())) {
          continue;
        }
        ports.computeIfAbsent(e.host(), h -> new TreeSet<>()).addAll(e.ports());
        SortedSet<Integer> http = httpPorts.computeIfAbsent(e.host(), h -> new TreeSet<>());
        if (e.protocols().contains("HTTP")) {
          http.addAll(e.ports());
        }
      }
    }
    int seenOnly = ports.size() - registered.size();
    SortedMap<String, Service> services = new TreeMap<>();
    for (var entry : ports.entrySet()) {
      String host = entry.getKey();
      String namespace = mapper.serviceNamespace(host).orElse(null);
      int endpoints = 1;
      if (namespace != null) {
        String name = host.substring(0, host.indexOf('.'));
        endpoints = instances.getOrDefault(namespace + "/" + name, 1);
      }
      services.put(host, new Service(host, namespace, entry.getValue(), httpPorts.get(host), endpoints));
    }
    List<String> notes = new ArrayList<>();
    if (registry.isEmpty()) {
      notes.add("only services some call reached are known, with only the ports used: every figure is a lower bound");
    } else {
      notes.add(registry.size() + " services from the registry list, " + seenOnly
          + " more hosts seen only in logs (ServiceEntries, external names)");
    }
    notes.add("endpoints: the reporting instances of the workload named like the service, else 1");
    notes.add("DestinationRule subsets (one more cluster per subset and port) are not counted");
    return new ServiceInventory(services, registry.isEmpty() ? Source.LOGS : Source.REGISTRY, notes);
  }

  public Collection<Service> services() {
    return services.values();
  }

  public Source source() {
    return source;
  }

  /** True when the figures can only be too low (the services come from logs). */
  public boolean lowerBound() {
    return source == Source.LOGS;
  }

  public List<String> notes() {
    return notes;
  }

  public int servicePorts() {
    return services.values().stream().mapToInt(Service::clusters).sum();
  }
}
