package io.meshscope.generator.domain;

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

  public static final Duration DEFAULT_QUIET_PERIOD = Duration.ofMinutes(10);
  public static final Duration DEFAULT_DEBOUNCE = Duration.ofMinutes(1);

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
