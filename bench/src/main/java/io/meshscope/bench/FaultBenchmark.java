package io.meshscope.bench;

import io.meshscope.faults.FaultRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Every fault scenario of {@link FaultRun} at full size (issue 16), one after the other, each on
 * its own broker, receiver and analyzer processes; prints the table and writes it to
 * {@code <out>/faults.md}, for docs/reliability.md.
 */
public final class FaultBenchmark {

  private FaultBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rate = 2_000;
    int proxies = 20;
    int seconds = 60;
    int maxInflight = 2_000;
    long seed = 20261203L;
    Duration brokerDown = Duration.ofSeconds(30);
    Path out = Path.of("bench", "results");
    Path jar = Path.of("launcher", "target", "meshscope.jar");
    String only = ".*";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rate" -> rate = Integer.parseInt(args[++i]);
        case "--proxies" -> proxies = Integer.parseInt(args[++i]);
        case "--seconds" -> seconds = Integer.parseInt(args[++i]);
        case "--max-inflight-records" -> maxInflight = Integer.parseInt(args[++i]);
        case "--broker-down-seconds" -> brokerDown = Duration.ofSeconds(Long.parseLong(args[++i]));
        case "--seed" -> seed = Long.parseLong(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        case "--jar" -> jar = Path.of(args[++i]);
        case "--only" -> only = args[++i];
        default -> throw new IllegalArgumentException("unknown argument " + args[i] + " (known: --rate --proxies "
            + "--seconds --max-inflight-records --broker-down-seconds --seed --out --jar --only)");
      }
    }
    if (!Files.isRegularFile(jar)) {
      throw new IllegalArgumentException(jar + " is missing: build it with mvn install (bench/faults.sh does)");
    }
    Files.createDirectories(out);
    FaultRun.Settings settings = new FaultRun.Settings(jar, Files.createTempDirectory("meshscope-faults"), rate,
        proxies, seconds, maxInflight, seed, brokerDown);
    List<FaultRun.Row> rows = new ArrayList<>();
    Boolean ownDisks = null;
    for (String name : FaultRun.scenarioNames()) {
      if (!name.matches(only)) {
        continue;
      }
      if (FaultRun.needsOwnDisks(name)) {
        if (ownDisks == null) {
          ownDisks = FaultRun.ownDisksAvailable(settings.workDir().resolve("mount-check"));
        }
        if (!ownDisks) {
          System.err.printf("faults: %s skipped: it mounts tmpfs to fill a disk, which needs root%n", name);
          continue;
        }
      }
      System.err.printf("faults: %s (%d entries/s from %d proxies, %d s of traffic)%n", name, rate, proxies, seconds);
      FaultRun.Row row = FaultRun.run(name, settings);
      System.err.println("faults:   " + row);
      rows.add(row);
    }
    String table = FaultRun.table(rows, settings);
    System.out.print(table);
    Files.writeString(out.resolve("faults.md"), table);
    System.err.println("faults: each stage's log is under " + settings.workDir());
  }
}
