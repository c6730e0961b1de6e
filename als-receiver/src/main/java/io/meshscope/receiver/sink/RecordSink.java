package io.meshscope.receiver.sink;

import io.meshscope.schemas.AccessRecord;

/** Where the receiver puts records: Kafka in production, a list in unit tests. */
public interface RecordSink extends AutoCloseable {

  /**
   * Sends asynchronously; {@code done} runs exactly once, when the record is acknowledged or has
   * finally failed (the sink counts and logs failures itself).
   */
  void send(String key, AccessRecord record, Runnable done);

  /** Waits until everything sent so far is acknowledged or failed. */
  void flush();

  @Override
  void close();
}
