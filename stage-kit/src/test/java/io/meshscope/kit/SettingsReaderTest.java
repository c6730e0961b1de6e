package io.meshscope.kit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsReaderTest {

  @Test
  void readsTypedValuesWithDefaults() {
    SettingsReader s = new SettingsReader(Map.of("port", " 9001 ", "ttl", "7d", "name", "  ",
        "producer.acks", "all", "producer.linger.ms", "5"));
    assertEquals(9001, s.integer("port", 1));
    assertEquals(Duration.ofDays(7), s.duration("ttl", Duration.ZERO));
    assertEquals("fallback", s.text("name", "fallback"));
    assertNull(s.text("absent"));
    assertEquals(Map.of("acks", "all", "linger.ms", "5"), s.prefixed("producer."));
    s.requireAllRead("test");
  }

  @Test
  void leftoverSettingsAreAnErrorNamingThem() {
    SettingsReader s = new SettingsReader(Map.of("grpc.prot", "9001", "bootstrap.servers", "k:9092"));
    s.text("bootstrap.servers");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.requireAllRead("receiver"));
    assertEquals("unknown receiver settings: [grpc.prot]", e.getMessage());
  }

  @Test
  void badNumberNamesTheSetting() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new SettingsReader(Map.of("port", "nine")).integer("port", 1));
    assertEquals("port must be a whole number, was 'nine'", e.getMessage());
  }
}
