package io.meshscope.schemas;

import java.util.Set;

/** The serde of each topic's value type; keys are plain UTF-8 strings ({@code namespace/name}). */
public final class TopicSerdes {
  private TopicSerdes() {}

  public static JsonSerde<AccessRecord> accessRecord() {
    return new JsonSerde<>(AccessRecord.class, new AccessRecordReader(Json.mapper().getFactory())::read,
        new AccessRecordBytes(Json.mapper().writerFor(Reporter.class))::write);
  }

  /**
   * Access records read without making the given fields ({@code routeName}, {@code request.path}):
   * they come back empty (null, 0 or an empty list) from records in the writers' layout, and whole
   * from others, so a consumer must not look at them. Records are accepted and refused as by
   * {@link #accessRecord()}. For the analyzer, which reads a dozen of an access record's fields.
   *
   * @throws IllegalArgumentException for a field that is unknown, required, or not text, a number or
   *     a list of text
   */
  public static JsonSerde<AccessRecord> accessRecordWithout(Set<String> fields) {
    return new JsonSerde<>(AccessRecord.class, new AccessRecordReader(Json.mapper().getFactory(),
        AccessRecordReader.Projection.of(fields))::read,
        new AccessRecordBytes(Json.mapper().writerFor(Reporter.class))::write);
  }

  public static JsonSerde<DependencyGraph> dependencyGraph() {
    return new JsonSerde<>(DependencyGraph.class);
  }

  public static JsonSerde<SidecarRecommendation> sidecarRecommendation() {
    return new JsonSerde<>(SidecarRecommendation.class);
  }
}
