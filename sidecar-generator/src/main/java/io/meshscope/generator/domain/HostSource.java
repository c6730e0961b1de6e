package io.meshscope.generator.domain;

import io.meshscope.schemas.Edge;
import java.util.Collection;
import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Why an entry is in a Sidecar's {@code egress.hosts}: the graph edge that showed the call, and/or
 * the configuration that put it there.
 *
 * @param origins {@link #LEARNED}, {@link #DEFAULT}, {@link #PINNED}, {@link #EGRESS_PROXY}, or
 *     {@link #PREVIOUS} for an entry known only from an earlier emission
 * @param edge the evidence when learned from traffic, else null
 */
public record HostSource(SortedSet<String> origins, Edge edge) {

  public static final String LEARNED = "learned";
  public static final String DEFAULT = "default";
  public static final String PINNED = "pinned";
  public static final String EGRESS_PROXY = "egress-proxy";
  public static final String PREVIOUS = "previous";

  public HostSource {
    if (origins == null || origins.isEmpty()) {
      throw new IllegalArgumentException("a host source needs at least one origin");
    }
    origins = Collections.unmodifiableSortedSet(new TreeSet<>(origins));
  }

  static HostSource of(Collection<String> origins, Edge edge) {
    return new HostSource(new TreeSet<>(origins), edge);
  }

  /** A blocked call: it should reach the Sidecar without waiting for the debounce. */
  public boolean urgent() {
    return edge != null && edge.urgent();
  }
}
