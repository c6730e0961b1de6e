package io.meshscope.schemas;

/** The serde of each topic's value type; keys are plain UTF-8 strings ({@code namespace/name}). */
public final class TopicSerdes {
  private TopicSerdes() {}

  public static JsonSerde<AccessRecord> accessRecord() {
    return new JsonSerde<>(AccessRecord.class, new AccessRecordReader(Json.mapper().getFactory())::read,
        new AccessRecordBytes(Json.mapper().writerFor(Reporter.class))::write);
  }

  public static JsonSerde<DependencyGraph> dependencyGraph() {
    return new JsonSerde<>(DependencyGraph.class);
  }

  public static JsonSerde<SidecarRecommendation> sidecarRecommendation() {
    return new JsonSerde<>(SidecarRecommendation.class);
  }
}
