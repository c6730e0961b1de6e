package io.meshscope.generator;

import io.meshscope.generator.domain.EmitDecision;
import io.meshscope.generator.domain.RenderedSidecar;
import io.meshscope.generator.domain.payoff.MeshReportMarkdown;
import io.meshscope.schemas.Json;
import io.meshscope.schemas.MeshReport;
import io.meshscope.schemas.WorkloadRef;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes decisions for review: {@code <out>/<namespace>/<name>.yaml} and {@code <name>.summary.txt}
 * beside it, or {@code <name>.skipped.txt} when no Sidecar is possible. Every file is written to a
 * temporary file and renamed, so a reviewer or a GitOps sync never sees half a file. The mesh report
 * goes beside the namespaces' folders, as {@code mesh-report.md} and {@code mesh-report.json} (no
 * namespace name has a dot, so neither can collide with one).
 */
public final class SidecarFiles {

  private final Path out;

  public SidecarFiles(Path out) {
    this.out = out.toAbsolutePath().normalize();
  }

  public Path root() {
    return out;
  }

  /** Writes the decision's files and returns the main one. */
  public Path write(EmitDecision decision) throws IOException {
    WorkloadRef w = decision.workload();
    Path dir = resolveInside(w.namespace());
    Files.createDirectories(dir);
    if (decision.result() instanceof RenderedSidecar sidecar) {
      Path yaml = dir.resolve(fileName(w.name(), ".yaml"));
      atomicWrite(yaml, sidecar.yaml());
      atomicWrite(dir.resolve(fileName(w.name(), ".summary.txt")), decision.summaryText());
      Files.deleteIfExists(dir.resolve(fileName(w.name(), ".skipped.txt")));
      return yaml;
    }
    Path skipped = dir.resolve(fileName(w.name(), ".skipped.txt"));
    atomicWrite(skipped, decision.summaryText());
    return skipped;
  }

  /** Writes the mesh report as Markdown and JSON; returns the Markdown file. */
  public Path writeReport(MeshReport report) throws IOException {
    Files.createDirectories(out);
    Path markdown = out.resolve("mesh-report.md");
    atomicWrite(markdown, MeshReportMarkdown.render(report));
    atomicWrite(out.resolve("mesh-report.json"),
        Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(report) + "\n");
    return markdown;
  }

  /** Names come from the mesh; a namespace like {@code ..} must not walk out of the output folder. */
  private Path resolveInside(String namespace) throws IOException {
    Path dir = out.resolve(namespace).normalize();
    if (!dir.getParent().equals(out) || namespace.contains("/") || namespace.contains("\\")) {
      throw new IOException("refusing to write outside " + out + " for namespace '" + namespace + "'");
    }
    return dir;
  }

  private static String fileName(String name, String suffix) throws IOException {
    if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.equals(".") || name.equals("..")) {
      throw new IOException("refusing a file name from workload name '" + name + "'");
    }
    return name + suffix;
  }

  static void atomicWrite(Path target, String content) throws IOException {
    Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
    try {
      Files.writeString(tmp, content, StandardCharsets.UTF_8);
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
