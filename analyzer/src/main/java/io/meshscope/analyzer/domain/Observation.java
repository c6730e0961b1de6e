package io.meshscope.analyzer.domain;

import io.meshscope.schemas.WorkloadRef;
import java.time.Instant;
import java.util.Objects;

/**
 * One fact about one workload, taken from one access record, keyed by that workload: it calls a
 * host ({@link Kind#EDGE}), it exists ({@link Kind#PRESENCE}, so a workload that calls nothing still
 * gets a graph and a Sidecar), or a log named a callee that is not a valid host ({@link Kind#REJECTED}).
 * {@link Kind#PENDING_CALLER} is not a fact yet: an inbound call whose caller no announcement names
 * so far. It is keyed by the callee, carries the callee's host, port and protocol, and the caller's
 * address ({@code value}) and certificate SAN ({@code reason}, may be null), so that it can be
 * resolved again once announcements have been read ({@link EdgeExtractor#resolvePending}).
 *
 * @param provenance the signal: {@code outbound-cluster}, {@code passthrough-authority}, {@code passthrough-sni},
 *     {@code route-authority}, {@code inbound-peer-certificate},
 *     {@code blackhole}, {@code no-route}, {@code inbound-peer-metadata}, {@code inbound-ip},
 *     {@code egress-gateway}
 * @param value for REJECTED: the offending value, escaped and capped
 * @param reason for REJECTED: why
 * @param instance on one observation per record about its reporter: the instance that reported,
 *     for the selector (see {@link Instance}); null on every other
 */
public record Observation(
    Kind kind,
    WorkloadRef workload,
    String role,
    Instant at,
    String host,
    Integer port,
    String protocol,
    String provenance,
    boolean urgent,
    String value,
    String reason,
    Instance instance) {

  public enum Kind { EDGE, PRESENCE, REJECTED, PENDING_CALLER }

  public Observation {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(workload, "workload");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(at, "at");
  }

  public static Observation edge(WorkloadRef w, String role, Instant at, String host, Integer port, String protocol,
      String provenance, boolean urgent) {
    return new Observation(Kind.EDGE, w, role, at, host, port, protocol, provenance, urgent, null, null, null);
  }

  public static Observation presence(WorkloadRef w, String role, Instant at) {
    return new Observation(Kind.PRESENCE, w, role, at, null, null, null, null, false, null, null, null);
  }

  public static Observation rejected(WorkloadRef w, String role, Instant at, String value, String reason) {
    return new Observation(Kind.REJECTED, w, role, at, null, null, null, null, false, value, reason, null);
  }

  public static Observation pendingCaller(WorkloadRef callee, String role, Instant at, String host, Integer port,
      String protocol, String callerAddress, String callerSan) {
    return new Observation(Kind.PENDING_CALLER, callee, role, at, host, port, protocol, null, false, callerAddress,
        callerSan, null);
  }

  /** The same observation, saying which instance of its workload reported it. */
  public Observation withInstance(Instance reporting) {
    return new Observation(kind, workload, role, at, host, port, protocol, provenance, urgent, value, reason, reporting);
  }

  public String key() {
    return workload.key();
  }
}
