package io.meshscope.receiver.grpc;

import io.meshscope.receiver.ReceiverConfig;
import java.time.Duration;

/**
 * What one client may make the receiver hold: how long a started message may take to arrive
 * ({@link SlowMessageGuard}), and how many streams it may keep open at once ({@link StreamsPerClient}).
 * Together with {@code --max-message-bytes} they bound the memory one pod can tie up
 * (docs/reliability.md, "Resource attacks").
 */
public record StreamLimits(Duration messageTimeout, int maxStreamsPerClient) {

  public static final StreamLimits DEFAULTS = new StreamLimits(
      Duration.ofSeconds(ReceiverConfig.DEFAULT_MESSAGE_TIMEOUT_SECONDS), ReceiverConfig.DEFAULT_MAX_STREAMS_PER_CLIENT);

  public StreamLimits {
    if (messageTimeout.isNegative() || messageTimeout.isZero()) {
      throw new IllegalArgumentException("the message timeout must be positive, was " + messageTimeout);
    }
    if (maxStreamsPerClient < 1) {
      throw new IllegalArgumentException("max streams per client must be at least 1, was " + maxStreamsPerClient);
    }
  }
}
