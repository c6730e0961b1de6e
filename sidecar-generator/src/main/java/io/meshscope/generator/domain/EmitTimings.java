package io.meshscope.generator.domain;

import io.meshscope.kit.Durations;
import java.time.Duration;

/**
 * How long the emit policy waits.
 *
 * @param quietPeriod how long a workload's Sidecar must stay unchanged before its first emission and
 *     before hosts are removed (an edge that ages out may come back the next hour)
 * @param debounce how long further changes are awaited before added hosts are published; not longer
 *     than the quiet period, or removals would be published before the additions that came with them
 */
public record EmitTimings(Duration quietPeriod, Duration debounce) {

  // Written once as text, so that --help and the config file's documentation show them as a user writes them.
  public static final String DEFAULT_QUIET_PERIOD_TEXT = "10m";
  public static final String DEFAULT_DEBOUNCE_TEXT = "1m";
  public static final Duration DEFAULT_QUIET_PERIOD = Durations.require(DEFAULT_QUIET_PERIOD_TEXT, "quietPeriod");
  public static final Duration DEFAULT_DEBOUNCE = Durations.require(DEFAULT_DEBOUNCE_TEXT, "debounce");

  public EmitTimings {
    if (quietPeriod == null || quietPeriod.isNegative()) {
      throw new InvalidConfigException("quietPeriod", "must be a duration of zero or more, was " + quietPeriod);
    }
    if (debounce == null || debounce.isNegative()) {
      throw new InvalidConfigException("debounce", "must be a duration of zero or more, was " + debounce);
    }
    if (debounce.compareTo(quietPeriod) > 0) {
      throw new InvalidConfigException("debounce",
          "must not be longer than quietPeriod (" + quietPeriod + "), was " + debounce);
    }
  }

  public static EmitTimings defaults() {
    return new EmitTimings(DEFAULT_QUIET_PERIOD, DEFAULT_DEBOUNCE);
  }
}
