package io.meshscope.analyzer.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.meshscope.receiver.domain.EntryNormalizer;
import io.meshscope.receiver.domain.IdentityParser;
import io.meshscope.client.simulate.Entries;
import io.meshscope.schemas.AccessRecord;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EventTimeTest {

  /** The rule as docs/architecture.md ("Analyzer state and aging") states it, with Instant arithmetic. */
  private static Instant expected(Instant start, Instant received) {
    boolean believed = !start.isAfter(received.plus(EventTime.MAX_SKEW))
        && !start.isBefore(received.minus(EventTime.MAX_AGE)) && !start.isBefore(Instant.EPOCH);
    return believed ? start : received;
  }

  @Test
  void theStartTimeUnlessItIsOutsideTheWindowOrBefore1970() {
    Random random = new Random(11);
    Instant t = Instant.parse("2026-11-20T10:00:00Z");
    AccessRecord sample = EntryNormalizer.http(Entries.outboundHttp(t, "reviews.bookinfo.svc.cluster.local", 9080, "/",
        200), IdentityParser.parse(Entries.identity("sidecar", "bookinfo", "productpage", "v1", "productpage-v1-pod",
        "10.44.0.10")), t).record();
    long skewNanos = EventTime.MAX_SKEW.toNanos();
    long ageNanos = -EventTime.MAX_AGE.toNanos();
    for (int i = 0; i < 100_000; i++) {
      Instant received = Instant.ofEpochSecond(random.nextInt(2) == 0 ? random.nextInt(100) : 1_790_000_000L,
          random.nextInt(1_000_000_000));
      // Mostly around either edge of the window, to the nanosecond; sometimes far off either way.
      long edge = random.nextBoolean() ? skewNanos : ageNanos;
      long offset = switch (random.nextInt(4)) {
        case 0 -> edge + random.nextInt(2_001) - 1_000;
        case 1 -> edge + (random.nextInt(3) - 1) * 1_000_000_000L + random.nextInt(3) - 1;
        case 2 -> -random.nextLong(1L << 50);
        default -> random.nextLong(1L << 50);
      };
      Instant start = received.plusNanos(offset);
      AccessRecord r = withTimes(sample, start, received);
      assertEquals(expected(start, received), EventTime.of(r), "start " + start + ", received " + received);
    }
  }

  private static AccessRecord withTimes(AccessRecord r, Instant start, Instant received) {
    return new AccessRecord(r.schemaVersion(), start, received, r.reporter(), r.logName(), r.protocol(),
        r.httpVersion(), r.upstreamCluster(), r.downstreamRemoteAddress(), r.downstreamLocalAddress(),
        r.downstreamDirectRemoteAddress(), r.upstreamRemoteAddress(), r.request(), r.responseCode(),
        r.responseCodeDetails(), r.responseFlags(), r.bytesReceived(), r.bytesSent(), r.durationMicros(),
        r.routeName(), r.peerSans(), r.requestedServerName(), r.upstreamPeer(), r.downstreamPeer(), r.flags());
  }
}
