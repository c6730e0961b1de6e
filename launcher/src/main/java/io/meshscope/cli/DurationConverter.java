package io.meshscope.cli;

import io.meshscope.kit.Durations;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;


/** A duration flag in meshscope's one syntax (90s, 10m, 2h, 7d, PT10M), typed as it is read. */
final class DurationConverter implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    return Durations.parse(value).orElseThrow(() -> new TypeConversionException(
        "'" + value + "' is not a duration such as 90s, 10m, 2h, 1d or PT10M"));
  }
}
