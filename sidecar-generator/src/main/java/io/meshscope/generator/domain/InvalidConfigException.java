package io.meshscope.generator.domain;

/**
 * A generator setting that cannot work. The message starts with the setting's path as written in
 * the config file (e.g. {@code workloads.bookinfo/productpage.pinnedHosts[1]}), then says what is
 * wrong with which value.
 */
public final class InvalidConfigException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String setting;

  public InvalidConfigException(String setting, String problem) {
    super(setting + ": " + problem);
    this.setting = setting;
  }

  public InvalidConfigException(String setting, String problem, Throwable cause) {
    super(setting + ": " + problem, cause);
    this.setting = setting;
  }

  /** The path of the offending setting. */
  public String setting() {
    return setting;
  }
}
