package io.meshscope.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short run of each fault of {@link FaultRun} on real processes (a broker, a receiver and an
 * analyzer from the shipped jar), with exact counts: nothing the receiver took is lost or written
 * twice, except what a SIGKILLed receiver held, and the graphs count each entry on Kafka once.
 * {@code bench/faults.sh} runs the same scenarios at full size.
 */
@Timeout(value = 12, unit = TimeUnit.MINUTES)
class FaultsIT {

  private static final int MAX_INFLIGHT = 500;
  private static FaultRun.Settings settings;

  @BeforeAll
  static void settings(@TempDir Path work) {
    Path jar = Path.of("target", "meshscope.jar");
    assertTrue(Files.isRegularFile(jar), "needs the shipped jar: run through mvn verify, which packages it first");
    settings = new FaultRun.Settings(jar, work, 1_000, 10, 12, MAX_INFLIGHT, 20261203L, Duration.ofSeconds(10));
  }

  private static FaultRun.Row run(String scenario) throws Exception {
    FaultRun.Row row = FaultRun.run(scenario, settings);
    System.out.println(FaultRun.table(java.util.List.of(row), settings));
    assertTrue(row.sent() > 5_000, "traffic flowed: " + row);
    assertEquals(0, row.duplicated(), "nothing is on Kafka twice: " + row);
    assertEquals(row.onTopic(), row.inGraphs(), "the graphs count every entry on Kafka once: " + row);
    assertEquals(0, row.graphsDiffer(), "and per caller and host too: " + row);
    // The note also reports what a fault did (where a generator kill landed): only a harness bug fails.
    assertFalse(row.note().contains("harness bug"), row.note());
    return row;
  }

  @Test
  void brokerDownLosesNothingTheReceiverTook() throws Exception {
    FaultRun.Row row = run("broker-down");
    assertEquals(0, row.lost(), "the receiver pauses its streams, and produces all it read: " + row);
    assertTrue(row.dropped() > 0, "while the broker is down Envoy's side drops, and says so: " + row);
  }

  @Test
  void aFrozenBrokerLosesNothingEither() throws Exception {
    assertEquals(0, run("broker-frozen").lost());
  }

  @Test
  void aReceiverStoppedGentlyProducesEverythingItRead() throws Exception {
    FaultRun.Row row = run("receiver-sigterm");
    assertTrue(row.receiverRead() > 0, row.toString());
    // Envoy never ends its ALS streams, so the drain ends by cancelling them; what a proxy sends in
    // the moment before it learns of the cancel never reaches the receiver (ALS has no
    // acknowledgement). Usually nothing, at most a batch per proxy: a fifth of a second of traffic.
    assertTrue(row.lost() <= settings.rate() / 5, "lost more than the cancel's moment: " + row);
    assertEquals(row.receiverRead(), row.receiverProduced(), "the drain produced all it read: " + row);
  }

  @Test
  void aKilledReceiverLosesAtMostWhatItHeld() throws Exception {
    FaultRun.Row row = run("receiver-sigkill");
    assertTrue(row.lost() <= MAX_INFLIGHT, "lost " + row.lost() + " > --max-inflight-records " + MAX_INFLIGHT);
  }

  @Test
  void anAnalyzerKilledThreeTimesCountsEveryEntryOnce() throws Exception {
    assertEquals(0, run("analyzer-sigkill-3x").lost());
  }

  @Test
  void anAnalyzerKilledAndStartedOnAnEmptyStateDirectoryCountsEveryEntryOnce() throws Exception {
    assertEquals(0, run("analyzer-sigkill-empty").lost());
  }

  @Test
  void theSurvivorOfTwoAnalyzersAnswersForEveryWorkloadAndCountsExactly() throws Exception {
    FaultRun.Row row = run("analyzer-two-one-killed");
    assertEquals(0, row.lost(), row.toString());
    assertTrue(row.recoverySeconds() > 0 && row.recoverySeconds() < 120, "the survivor answered: " + row);
  }

  @Test
  void aGeneratorKilledWhileEmittingMissesNothingRepeatsNothingAndLeavesNoStrayFile() throws Exception {
    FaultRun.Row row = run("generator-sigkill-3x");
    assertEquals(0, row.lost(), row.toString());
    assertTrue(row.sidecarRecords() > 10, "Sidecars kept changing through the kills: " + row);
    assertEquals(0, row.missed(), "every workload's last Sidecar lists its final graph's hosts: " + row);
    assertEquals(0, row.reEmitted(), "nothing unchanged was emitted again: " + row);
    assertEquals(0, row.filesOff(), "the files agree with the topic, and no temporary file is left: " + row);
  }
}
