package io.meshscope.generator.domain;

/**
 * The mode a workload's Sidecar is rendered in, and where it came from, as the change summary and
 * {@code SidecarRecommendation.modeSource} show it.
 */
public record ModeChoice(GeneratorMode mode, String source) {}
