package io.meshscope.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.module.blackbird.BlackbirdModule;

/** The one JSON configuration every meshscope topic is written and read with. */
public final class Json {

  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .addModule(new JavaTimeModule())
      .addModule(new BlackbirdModule())
      // ISO-8601 instants, so kcat users and other languages read them without a schema.
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      // Same content, same bytes: compaction and the generator's no-op check rely on it.
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
      // A newer writer may add fields; an older reader must not break on them.
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .serializationInclusion(JsonInclude.Include.NON_NULL)
      .build();

  private Json() {}

  /**
   * Shared and thread-safe; do not reconfigure it. Its bean serializers and deserializers are the
   * reference that the hand-written AccessRecord writer and reader are tested against.
   */
  public static ObjectMapper mapper() {
    return MAPPER;
  }
}
