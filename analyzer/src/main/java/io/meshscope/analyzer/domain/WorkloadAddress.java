package io.meshscope.analyzer.domain;

import io.meshscope.schemas.WorkloadRef;
import java.time.Instant;

/** An instance IP a proxy announced in its identity ({@code INSTANCE_IPS}), and whose it is. */
public record WorkloadAddress(String ip, WorkloadRef workload, String role, Instant seenAt) {}
