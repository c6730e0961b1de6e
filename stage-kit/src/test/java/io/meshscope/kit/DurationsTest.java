package io.meshscope.kit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DurationsTest {

  @Test
  void shortFormsAndIso() {
    assertEquals(Optional.of(Duration.ofSeconds(90)), Durations.parse("90s"));
    assertEquals(Optional.of(Duration.ofMinutes(10)), Durations.parse(" 10m "));
    assertEquals(Optional.of(Duration.ofHours(2)), Durations.parse("2h"));
    assertEquals(Optional.of(Duration.ofDays(7)), Durations.parse("7d"));
    assertEquals(Optional.of(Duration.ofDays(7)), Durations.parse("P7D"));
    assertEquals(Optional.of(Duration.ofMinutes(10)), Durations.parse("pt10m"));
  }

  @Test
  void everythingElseIsRefusedWithTheSettingNamed() {
    for (String bad : new String[] {"", "10", "10x", "-PT1M", "ten minutes", "P", "1w"}) {
      assertEquals(Optional.empty(), Durations.parse(bad), bad);
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.require("soon", "--ttl"));
    assertEquals("--ttl must be a duration such as 90s, 10m, 2h, 1d or PT10M, was 'soon'", e.getMessage());
  }
}
