package io.meshscope.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshscope.generator.domain.Bookinfo;
import io.meshscope.generator.domain.EmitDecision;
import io.meshscope.generator.domain.EmitPolicy;
import io.meshscope.generator.domain.EmitTimings;
import io.meshscope.generator.domain.SidecarRenderer;
import io.meshscope.schemas.DependencyGraph;
import io.meshscope.schemas.SidecarRecommendation;
import io.meshscope.schemas.WorkloadRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generator's files after a crash or a bad disk: docs/reliability.md, "Generator". */
class SidecarFilesTest {

  private static final Instant T = Instant.parse("2026-11-20T10:00:00Z");
  private static final FileTime LONG_AGO = FileTime.from(Instant.parse("2020-01-01T00:00:00Z"));

  @TempDir
  Path out;

  /** What the generator would publish for {@code graph} as a first Sidecar. */
  private static SidecarRecommendation recommendation(DependencyGraph graph) {
    EmitPolicy policy = new EmitPolicy(SidecarRenderer.builder().build(), new EmitTimings(Duration.ZERO, Duration.ZERO));
    EmitDecision d = policy.onGraph(graph, T).orElseThrow();
    return d.toRecommendation();
  }

  @Test
  void theFilesAreMadeFromTheRecordAlone() throws Exception {
    SidecarRecommendation r = recommendation(Bookinfo.productpage());
    SidecarFiles files = new SidecarFiles(out);
    Path yaml = files.write(r);
    assertEquals(out.resolve("bookinfo/productpage.yaml"), yaml);
    assertEquals(r.yaml(), Files.readString(yaml));
    assertEquals(EmitDecision.summaryText(r), Files.readString(out.resolve("bookinfo/productpage.summary.txt")));
    assertTrue(Files.readString(out.resolve("bookinfo/productpage.summary.txt")).contains("(trigger: first)"));
  }

  @Test
  void aFileWhoseContentWouldNotChangeIsNotTouched() throws Exception {
    SidecarRecommendation r = recommendation(Bookinfo.productpage());
    SidecarFiles files = new SidecarFiles(out);
    Path yaml = files.write(r);
    Files.setLastModifiedTime(yaml, LONG_AGO);
    files.write(r);
    assertEquals(LONG_AGO, Files.getLastModifiedTime(yaml), "rewriting the same bytes would tell GitOps it changed");

    SidecarRecommendation other = recommendation(Bookinfo.reviews());
    SidecarRecommendation moved = new SidecarRecommendation(r.schemaVersion(), r.workload(), r.status(), r.reason(),
        r.graphRevision() + 1, r.generatedAt(), r.mode(), other.yaml(), r.summary());
    files.write(moved);
    assertEquals(other.yaml(), Files.readString(yaml));
  }

  @Test
  void temporaryFilesACrashLeftAreRemovedAndNothingElse() throws Exception {
    SidecarFiles files = new SidecarFiles(out);
    files.write(recommendation(Bookinfo.productpage()));
    Path torn = out.resolve("bookinfo/.productpage.yaml8127364.tmp");
    Files.writeString(torn, "apiVersion: networking.istio.io/v1\nkind: Side");
    Path tornReport = out.resolve(".mesh-report.md99.tmp");
    Files.writeString(tornReport, "| clusters");
    Path someoneElses = out.resolve("bookinfo/notes.tmp");
    Files.writeString(someoneElses, "mine");

    assertEquals(2, files.removeTempFiles());
    assertFalse(Files.exists(torn));
    assertFalse(Files.exists(tornReport));
    assertTrue(Files.exists(someoneElses));
    assertTrue(Files.exists(out.resolve("bookinfo/productpage.yaml")));
    assertEquals(0, new SidecarFiles(out.resolve("never-made")).removeTempFiles(), "no folder yet: nothing to do");
  }

  @Test
  void filesAreMadeToAgreeWithTheTopicAndUnbackedOnesAreOnlyListed() throws Exception {
    SidecarFiles files = new SidecarFiles(out);
    SidecarRecommendation productpage = recommendation(Bookinfo.productpage());
    SidecarRecommendation reviews = recommendation(Bookinfo.reviews());
    SidecarRecommendation details = recommendation(Bookinfo.details());
    files.write(productpage);
    files.write(reviews);
    // A crash after writing a newer yaml and before its summary and its record.
    Files.writeString(out.resolve("bookinfo/productpage.yaml"), details.yaml());
    Files.delete(out.resolve("bookinfo/reviews.summary.txt"));
    // A first Sidecar written, and the run killed before producing it.
    Path orphan = out.resolve("bookinfo/ratings.yaml");
    Files.writeString(orphan, "kind: Sidecar\n");
    Files.setLastModifiedTime(out.resolve("bookinfo/reviews.yaml"), LONG_AGO);

    SidecarFiles.Agreement a = files.agreeWith(Map.of(productpage.workload().key(), productpage,
        reviews.workload().key(), reviews));
    assertEquals(List.of("bookinfo/productpage", "bookinfo/reviews"), a.rewritten());
    assertEquals(List.of(orphan), a.unbacked());
    assertEquals(productpage.yaml(), Files.readString(out.resolve("bookinfo/productpage.yaml")));
    assertEquals(EmitDecision.summaryText(reviews), Files.readString(out.resolve("bookinfo/reviews.summary.txt")));
    assertEquals(LONG_AGO, Files.getLastModifiedTime(out.resolve("bookinfo/reviews.yaml")),
        "only the file that differed was written");
    assertEquals("kind: Sidecar\n", Files.readString(orphan), "an unbacked file is not the generator's to delete");

    SidecarFiles.Agreement again = files.agreeWith(Map.of(productpage.workload().key(), productpage,
        reviews.workload().key(), reviews));
    assertEquals(List.of(), again.rewritten(), "agreeing twice changes nothing");
  }

  @Test
  void aSkippedWorkloadIsWrittenFromItsRecord() throws Exception {
    SidecarRecommendation skipped = new SidecarRecommendation(1,
        WorkloadRef.of("istio-system", "istio-ingressgateway", Map.of("app", "istio-ingressgateway")), "skipped",
        "role router: a gateway is not given a Sidecar", 4, T, "recommend", null, null);
    SidecarFiles files = new SidecarFiles(out);
    Path file = files.write(skipped);
    assertEquals(out.resolve("istio-system/istio-ingressgateway.skipped.txt"), file);
    assertEquals("Sidecar istio-system/istio-ingressgateway: none (role router: a gateway is not given a Sidecar)\n",
        Files.readString(file));
    assertEquals(List.of(), files.agreeWith(Map.of("istio-system/istio-ingressgateway", skipped)).rewritten());
  }

  @Test
  void aWorkloadThatNoLongerGetsASidecarLeavesNoneInTheFolder() throws Exception {
    SidecarRecommendation emitted = recommendation(Bookinfo.productpage());
    SidecarFiles files = new SidecarFiles(out);
    files.write(emitted);
    SidecarRecommendation off = new SidecarRecommendation(1, emitted.workload(), "skipped",
        "sidecar.meshscope.io/mode is off, so the workload keeps the whole mesh's configuration", 5, T, "off", null,
        null, "label sidecar.meshscope.io/mode=off on 1 of 1 pod");
    files.write(off);
    assertFalse(Files.exists(out.resolve("bookinfo/productpage.yaml")), "GitOps would apply it still");
    assertFalse(Files.exists(out.resolve("bookinfo/productpage.summary.txt")));
    assertTrue(Files.readString(out.resolve("bookinfo/productpage.skipped.txt")).contains("mode is off"));

    // A crash after the skipped file, before the Sidecar went: the restart removes it.
    files.write(emitted);
    Files.writeString(out.resolve("bookinfo/productpage.skipped.txt"), EmitDecision.summaryText(off));
    assertEquals(List.of("bookinfo/productpage"), files.agreeWith(Map.of("bookinfo/productpage", off)).rewritten());
    assertFalse(Files.exists(out.resolve("bookinfo/productpage.yaml")));
  }

  @Test
  void anotherSkipLeavesTheLastSidecarWhereItIs() throws Exception {
    SidecarRecommendation emitted = recommendation(Bookinfo.productpage());
    SidecarFiles files = new SidecarFiles(out);
    files.write(emitted);
    // A selector conflict during a rollout passes: a GitOps sync must not prune the Sidecar meanwhile.
    files.write(new SidecarRecommendation(1, emitted.workload(), "skipped", "no selector selects every instance", 5,
        T, "recommend", null, null));
    assertTrue(Files.exists(out.resolve("bookinfo/productpage.yaml")));
  }

  @Test
  void aNameThatWouldLeaveTheFolderIsRefusedWithItsOwnError() {
    SidecarRecommendation r = recommendation(Bookinfo.productpage());
    for (WorkloadRef w : List.of(WorkloadRef.of("..", "x", Map.of("app", "x")),
        WorkloadRef.of("bookinfo", "..", Map.of("app", "x")))) {
      SidecarRecommendation bad = new SidecarRecommendation(1, w, r.status(), null, 1, T, r.mode(), r.yaml(),
          r.summary());
      assertThrows(SidecarFiles.UnsafeNameException.class, () -> new SidecarFiles(out).write(bad), w.key());
    }
  }
}
