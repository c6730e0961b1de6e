package io.meshscope.kafka.embedded;

/** The embedded broker could not be started. */
public final class EmbeddedKafkaException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public EmbeddedKafkaException(String message, Throwable cause) {
    super(message, cause);
  }
}
