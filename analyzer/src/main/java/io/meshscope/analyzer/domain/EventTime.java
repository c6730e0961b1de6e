package io.meshscope.analyzer.domain;

import io.meshscope.schemas.AccessRecord;
import java.time.Duration;
import java.time.Instant;

/**
 * The event time of an access record: its {@code start_time}, believed only within a window around
 * when the receiver took it (docs/architecture.md, "Event time"). Outside it, the time received.
 *
 * <p>A start time far in the future (a forged one, or a proxy whose clock runs ahead) would advance
 * stream time and age every graph out. One far in the past (a clock set back, or before 1970, which
 * Kafka Streams would skip) would age that proxy's own edges out as they arrive, so its Sidecar
 * would miss hosts it calls. Replacing either with the time received keeps the rest of the mesh
 * aging on time and the proxy's calls counted as seen when they were reported.
 */
public final class EventTime {
  /** How far a start time may be after the receipt: clock skew between proxies and the receiver. */
  public static final Duration MAX_SKEW = Duration.ofMinutes(5);
  /**
   * How far a start time may be before the receipt. Envoy logs a request when it ends, so a long
   * stream or TCP connection starts long before its entry arrives; beyond this, "seen at receipt"
   * is the truer last-seen anyway, and a clock set back hours or years ages nothing out.
   */
  public static final Duration MAX_AGE = Duration.ofHours(1);

  private EventTime() {}

  public static Instant of(AccessRecord r) {
    Instant start = r.startTime();
    Instant received = r.receivedAt();
    // Compared in seconds and nanos, without making an Instant: this runs twice for every record.
    long s = start.getEpochSecond();
    int n = start.getNano();
    long late = received.getEpochSecond() + MAX_SKEW.getSeconds();
    long early = received.getEpochSecond() - MAX_AGE.getSeconds();
    int rn = received.getNano();
    boolean tooLate = s > late || s == late && n > rn;
    boolean tooEarly = s < early || s == early && n < rn;
    return tooLate || tooEarly || s < 0 ? received : start;
  }
}
