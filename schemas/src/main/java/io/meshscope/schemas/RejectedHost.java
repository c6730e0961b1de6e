package io.meshscope.schemas;

import java.time.Instant;

/**
 * A callee a log named that is not a valid host (an IP literal, junk, an oversized label): kept
 * visible for people, never rendered into a Sidecar.
 *
 * @param value the offending value, escaped and capped in length
 */
public record RejectedHost(String value, String reason, long count, Instant lastSeen) {
  public RejectedHost {
    Collections2.require(value, "rejected.value");
    Collections2.requireText(reason, "rejected.reason");
    Collections2.require(lastSeen, "rejected.lastSeen");
  }
}
