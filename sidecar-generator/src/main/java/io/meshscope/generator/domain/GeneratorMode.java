package io.meshscope.generator.domain;

import io.meshscope.schemas.SafeText;

/** What a rendered Sidecar does with calls it does not list. */
public enum GeneratorMode {
  /** Only the learned hosts: calls to anything else fail once the Sidecar is applied. */
  RECOMMEND("recommend"),
  /**
   * The learned hosts, plus {@code outboundTrafficPolicy: ALLOW_ANY} through an egress proxy, so a
   * call not learned yet still works (through the proxy) and shows up in its logs.
   */
  ADAPTIVE("adaptive"),
  /**
   * No Sidecar at all: the workload keeps the whole mesh's configuration. Only a pod's
   * {@code sidecar.meshscope.io/mode} asks for it, never the config file (docs/adaptive.md).
   */
  OFF("off");

  private final String label;

  GeneratorMode(String label) {
    this.label = label;
  }

  /** As written in config files and in {@code SidecarRecommendation.mode}. */
  public String label() {
    return label;
  }

  /** Reads a label; throws with the accepted values when it is none of them. */
  public static GeneratorMode fromLabel(String setting, String value) {
    for (GeneratorMode mode : values()) {
      if (mode != OFF && mode.label.equals(value)) {
        return mode;
      }
    }
    throw new InvalidConfigException(setting, "must be recommend or adaptive, was " + SafeText.quoted(value));
  }

  @Override
  public String toString() {
    return label;
  }
}
