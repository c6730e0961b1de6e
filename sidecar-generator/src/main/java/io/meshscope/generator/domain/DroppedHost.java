package io.meshscope.generator.domain;

/**
 * A graph edge whose host the renderer refused: the analyzer should never let one through, so each
 * is a finding to count and show, not to render.
 *
 * @param host the refused value, escaped and cut short (safe to log)
 * @param reason the {@code Hosts.Problem} label, e.g. {@code ip-literal}
 */
public record DroppedHost(String host, String reason) {}
