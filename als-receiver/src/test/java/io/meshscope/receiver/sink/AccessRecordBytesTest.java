package io.meshscope.receiver.sink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshscope.schemas.AccessRecord;
import io.meshscope.schemas.Json;
import io.meshscope.schemas.PeerMetadata;
import io.meshscope.schemas.RandomRecords;
import io.meshscope.schemas.Reporter;
import io.meshscope.schemas.SampleRecords;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The hand-written AccessRecord writer must write exactly what the bean serializer writes. */
class AccessRecordBytesTest {

  @Test
  void theFullSampleIsWrittenAsTheBeanSerializerWritesIt() throws Exception {
    AccessRecord r = SampleRecords.accessRecord();
    assertEquals(beans(r), fast(r));
  }

  @Test
  void randomRecordsAreWrittenAsTheBeanSerializerWritesThem() throws Exception {
    Random random = new Random(20261126);
    List<Reporter> reporters = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      reporters.add(RandomRecords.reporter(random));
    }
    for (int i = 0; i < 3_000; i++) {
      // Reporters repeat, as they do within a stream, and alternate, as streams interleave.
      Reporter reporter = random.nextInt(6) == 0 ? null : reporters.get(random.nextInt(reporters.size()));
      AccessRecord r = RandomRecords.accessRecord(random, reporter);
      assertEquals(beans(r), fast(r), "record " + i);
    }
  }

  @Test
  void theByteWriterWritesWhatTheBeanSerializerWritesAndLeavesOnlySurrogatesToJackson() throws Exception {
    AccessRecordBytes writer = new AccessRecordBytes(Json.mapper().writerFor(Reporter.class));
    Random random = new Random(11);
    List<Reporter> reporters = new ArrayList<>();
    List<Reporter> plainReporters = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      reporters.add(RandomRecords.reporter(random));
      plainReporters.add(withoutSurrogates(RandomRecords.reporter(random), Reporter.class));
    }
    int written = 0;
    for (int i = 0; i < 20_000; i++) {
      boolean plain = random.nextBoolean();
      List<Reporter> pool = plain ? plainReporters : reporters;
      Reporter reporter = random.nextInt(6) == 0 ? null : pool.get(random.nextInt(pool.size()));
      // Half the records without surrogates, so that most of those take the byte path.
      AccessRecord r = plain ? withReporter(withoutSurrogates(RandomRecords.accessRecord(random, null), AccessRecord.class), reporter)
          : RandomRecords.accessRecord(random, reporter);
      byte[] expected = Json.mapper().writeValueAsBytes(r);
      byte[] bytes = writer.write(r);
      String json = new String(expected, StandardCharsets.UTF_8);
      if (bytes == null) {
        // Jackson writes each surrogate as an escape: that is what the byte writer leaves to it.
        assertTrue(Pattern.compile("\\\\uD[89A-F][0-9A-F]{2}").matcher(json).find(),
            "gave up without a surrogate: " + json);
      } else {
        written++;
        assertArrayEquals(expected, bytes, "record " + i + ": " + json);
      }
    }
    assertTrue(written > 5_000, "the byte writer wrote only " + written + " records");
  }

  @Test
  void everyCharacterBelowTheSurrogatesIsWrittenAsJacksonWritesIt() throws Exception {
    AccessRecordBytes writer = new AccessRecordBytes(Json.mapper().writerFor(Reporter.class));
    StringBuilder all = new StringBuilder();
    for (char c = 0; c < 0xD800; c++) {
      all.append(c);
    }
    all.append("\uE000\uFEFF\uFFFD\uFFFF");
    AccessRecord r = copy(withoutSurrogates(RandomRecords.accessRecord(new Random(1), null), AccessRecord.class), null, all.toString());
    assertArrayEquals(Json.mapper().writeValueAsBytes(r), writer.write(r));
  }

  /** {@code value} with every character outside the BMP replaced, through the bean serializer and reader. */
  private static <T> T withoutSurrogates(T value, Class<T> type) throws Exception {
    String json = new String(Json.mapper().writeValueAsBytes(value), StandardCharsets.UTF_8);
    return Json.mapper().readValue(json.replaceAll("\\\\uD[89A-F][0-9A-F]{2}", "x"), type);
  }

  private static AccessRecord withReporter(AccessRecord r, Reporter reporter) {
    return copy(r, reporter, r.logName());
  }

  @Test
  void peersThatRepeatAreWrittenAsTheBeanSerializerWritesThem() throws Exception {
    // The writer keeps a peer's JSON by identity, as the receiver's memo repeats peer objects: the
    // same object must give the same bytes, and another object in the same slot its own.
    AccessRecordBytes writer = new AccessRecordBytes(Json.mapper().writerFor(Reporter.class));
    Random random = new Random(5);
    List<PeerMetadata> peers = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      peers.add(withoutSurrogates(RandomRecords.peer(random), PeerMetadata.class));
    }
    int written = 0;
    for (int i = 0; i < 5_000; i++) {
      AccessRecord r = withoutSurrogates(RandomRecords.accessRecord(random, null), AccessRecord.class);
      r = new AccessRecord(r.schemaVersion(), r.startTime(), r.receivedAt(), r.reporter(), r.logName(), r.protocol(),
          r.httpVersion(), r.upstreamCluster(), r.downstreamRemoteAddress(), r.downstreamLocalAddress(),
          r.downstreamDirectRemoteAddress(), r.upstreamRemoteAddress(), r.request(), r.responseCode(),
          r.responseCodeDetails(), r.responseFlags(), r.bytesReceived(), r.bytesSent(), r.durationMicros(),
          r.routeName(), r.peerSans(), r.requestedServerName(), peers.get(random.nextInt(peers.size())),
          peers.get(random.nextInt(peers.size())), r.flags());
      byte[] bytes = writer.write(r);
      if (bytes != null) {
        written++;
        assertArrayEquals(Json.mapper().writeValueAsBytes(r), bytes, "record " + i);
      }
    }
    assertTrue(written > 4_000, "the byte writer wrote only " + written + " records");
  }

  private static AccessRecord copy(AccessRecord r, Reporter reporter, String logName) {
    return new AccessRecord(r.schemaVersion(), r.startTime(), r.receivedAt(), reporter, logName, r.protocol(),
        r.httpVersion(), r.upstreamCluster(), r.downstreamRemoteAddress(), r.downstreamLocalAddress(),
        r.downstreamDirectRemoteAddress(), r.upstreamRemoteAddress(), r.request(), r.responseCode(),
        r.responseCodeDetails(), r.responseFlags(), r.bytesReceived(), r.bytesSent(), r.durationMicros(),
        r.routeName(), r.peerSans(), r.requestedServerName(), r.upstreamPeer(), r.downstreamPeer(), r.flags());
  }

  @Test
  void instantsAreFormattedAsIsoInstant() {
    Random random = new Random(7);
    long[] seconds = {0, -1, 1, 253402300799L, 253402300800L, -62135596800L, -62135596801L, 1_795_000_000L};
    int[] nanos = {0, 1, 999_999_999, 1_000_000, 120_000_000, 123_456_000, 5_000, 100};
    for (long s : seconds) {
      for (int n : nanos) {
        Instant t = Instant.ofEpochSecond(s, n);
        assertEquals(t.toString(), AccessRecordBytes.instant(t));
      }
    }
    for (int i = 0; i < 10_000; i++) {
      Instant t = Instant.ofEpochSecond(random.nextLong(-100_000_000_000L, 400_000_000_000L),
          random.nextInt(4) == 0 ? random.nextInt(1000) * 1_000_000 : random.nextInt(1_000_000_000));
      assertEquals(t.toString(), AccessRecordBytes.instant(t));
    }
  }

  @Test
  void aReporterWithTheSameContentButAnotherIdentityIsNotMistakenForTheLastOne() throws Exception {
    Random random = new Random(3);
    Reporter a = RandomRecords.reporter(random);
    Reporter b = RandomRecords.reporter(random);
    assertNotEquals(a, b);
    AccessRecord first = RandomRecords.accessRecord(random, a);
    AccessRecord second = withReporter(first, b);
    fast(first);
    assertEquals(beans(second), fast(second));
  }

  private static String beans(AccessRecord r) throws Exception {
    return new String(Json.mapper().writeValueAsBytes(r), StandardCharsets.UTF_8);
  }

  private static String fast(AccessRecord r) {
    return new String(AccessRecordBytes.serde().serializer().serialize("t", r), StandardCharsets.UTF_8);
  }
}
