package io.meshscope.generator;

import io.meshscope.generator.domain.EmitDecision;
import io.meshscope.generator.domain.payoff.MeshReportMarkdown;
import io.meshscope.schemas.Json;
import io.meshscope.schemas.MeshReport;
import io.meshscope.schemas.SidecarRecommendation;
import io.meshscope.schemas.WorkloadRef;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Writes decisions for review: {@code <out>/<namespace>/<name>.yaml} and {@code <name>.summary.txt}
 * beside it, or {@code <name>.skipped.txt} when no Sidecar is possible. Every file is written to a
 * temporary file and renamed, so a reviewer or a GitOps sync never sees half a file, and a file whose
 * content would not change is not touched. The mesh report goes beside the namespaces' folders, as
 * {@code mesh-report.md} and {@code mesh-report.json} (no namespace name has a dot, so neither can
 * collide with one).
 *
 * <p>The files are made from what goes to {@code meshscope.sidecars}, so after a crash they can be
 * made to agree with the topic again ({@link #agreeWith}), and the temporary files a crash left are
 * removed ({@link #removeTempFiles}): docs/reliability.md, "Generator".
 */
public final class SidecarFiles {

  /** What {@link #agreeWith} found: workloads whose files it rewrote, and files no record backs. */
  public record Agreement(List<String> rewritten, List<Path> unbacked) {}

  private static final String YAML = ".yaml";
  private static final String SUMMARY = ".summary.txt";
  private static final String SKIPPED = ".skipped.txt";
  private static final String TEMP = ".tmp";

  private final Path out;

  public SidecarFiles(Path out) {
    this.out = out.toAbsolutePath().normalize();
  }

  public Path root() {
    return out;
  }

  /**
   * Writes a recommendation's files, those whose content changed, and returns the main one.
   *
   * @throws UnsafeNameException when the workload's name would put a file outside the folder
   */
  public Path write(SidecarRecommendation r) throws IOException {
    WorkloadRef w = r.workload();
    Path dir = resolveInside(w.namespace());
    Files.createDirectories(dir);
    String text = EmitDecision.summaryText(r);
    if (EmitDecision.EMITTED.equals(r.status())) {
      Path yaml = dir.resolve(fileName(w.name(), YAML));
      writeIfChanged(yaml, r.yaml());
      writeIfChanged(dir.resolve(fileName(w.name(), SUMMARY)), text);
      Files.deleteIfExists(dir.resolve(fileName(w.name(), SKIPPED)));
      return yaml;
    }
    Path skipped = dir.resolve(fileName(w.name(), SKIPPED));
    writeIfChanged(skipped, text);
    if (OFF.equals(r.mode())) {
      // Its pods asked for no Sidecar: none may stay in a folder that GitOps applies. Other skips
      // (a selector conflict during a rollout) pass, and keep the last Sidecar where it is.
      Files.deleteIfExists(dir.resolve(fileName(w.name(), YAML)));
      Files.deleteIfExists(dir.resolve(fileName(w.name(), SUMMARY)));
    }
    return skipped;
  }

  /**
   * Makes the files say what the topic says: rewrites those of every recommendation that differ
   * (a crash came between writing them and producing the record, or between two files), and lists
   * Sidecar files that no recommendation backs (written by a run that died before producing them,
   * or by another generator) without touching them.
   */
  public Agreement agreeWith(Map<String, SidecarRecommendation> latest) throws IOException {
    List<String> rewritten = new ArrayList<>();
    for (SidecarRecommendation r : new TreeMap<>(latest).values()) {
      try {
        if (!matches(r)) {
          write(r);
          rewritten.add(r.workload().key());
        }
      } catch (UnsafeNameException e) {
        // Never written, so nothing to agree with.
      }
    }
    List<Path> unbacked = new ArrayList<>();
    for (Path dir : namespaceDirs()) {
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : files.sorted().toList()) {
          String name = f.getFileName().toString();
          String suffix = name.endsWith(YAML) ? YAML : name.endsWith(SKIPPED) ? SKIPPED : null;
          if (suffix != null && !name.startsWith(".")) {
            String key = dir.getFileName() + "/" + name.substring(0, name.length() - suffix.length());
            if (!latest.containsKey(key)) {
              unbacked.add(f);
            }
          }
        }
      }
    }
    return new Agreement(rewritten, unbacked);
  }

  /** Whether the files on disk already say what {@code r} says. */
  private boolean matches(SidecarRecommendation r) throws IOException {
    Path dir = resolveInside(r.workload().namespace());
    String name = r.workload().name();
    String text = EmitDecision.summaryText(r);
    if (EmitDecision.EMITTED.equals(r.status())) {
      return contentIs(dir.resolve(fileName(name, YAML)), r.yaml())
          && contentIs(dir.resolve(fileName(name, SUMMARY)), text)
          && !Files.exists(dir.resolve(fileName(name, SKIPPED)));
    }
    return contentIs(dir.resolve(fileName(name, SKIPPED)), text) && (!OFF.equals(r.mode())
        || !Files.exists(dir.resolve(fileName(name, YAML))) && !Files.exists(dir.resolve(fileName(name, SUMMARY))));
  }

  /**
   * Removes the temporary files of writes a crash interrupted ({@code .<file>*.tmp}, in the folder
   * and its namespaces' folders); returns how many.
   */
  public int removeTempFiles() throws IOException {
    int removed = 0;
    List<Path> dirs = new ArrayList<>(namespaceDirs());
    if (Files.isDirectory(out)) {
      dirs.add(out);
    }
    for (Path dir : dirs) {
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : files.toList()) {
          String name = f.getFileName().toString();
          if (name.startsWith(".") && name.endsWith(TEMP) && Files.isRegularFile(f)) {
            Files.deleteIfExists(f);
            removed++;
          }
        }
      }
    }
    return removed;
  }

  private List<Path> namespaceDirs() throws IOException {
    if (!Files.isDirectory(out)) {
      return List.of();
    }
    try (Stream<Path> dirs = Files.list(out)) {
      return dirs.filter(Files::isDirectory).sorted().toList();
    }
  }

  /** Writes the mesh report as Markdown and JSON; returns the Markdown file. */
  public Path writeReport(MeshReport report) throws IOException {
    Files.createDirectories(out);
    Path markdown = out.resolve("mesh-report.md");
    writeIfChanged(markdown, MeshReportMarkdown.render(report));
    writeIfChanged(out.resolve("mesh-report.json"),
        Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(report) + "\n");
    return markdown;
  }

  /** Writes {@code fallback-status.md}, the adaptive Sidecars' status; returns it. */
  public Path writeFallbackStatus(String markdown) throws IOException {
    Files.createDirectories(out);
    Path file = out.resolve("fallback-status.md");
    writeIfChanged(file, markdown);
    return file;
  }

  /** Names come from the mesh; a namespace like {@code ..} must not walk out of the output folder. */
  private Path resolveInside(String namespace) throws UnsafeNameException {
    Path dir = out.resolve(namespace).normalize();
    if (namespace.isEmpty() || !out.equals(dir.getParent()) || namespace.contains("/") || namespace.contains("\\")) {
      throw new UnsafeNameException("refusing to write outside " + out + " for namespace '" + namespace + "'");
    }
    return dir;
  }

  private static String fileName(String name, String suffix) throws UnsafeNameException {
    if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.equals(".") || name.equals("..")) {
      throw new UnsafeNameException("refusing a file name from workload name '" + name + "'");
    }
    return name + suffix;
  }

  /** A workload name that would put a file outside the output folder: never written, never retried. */
  private static final String OFF = "off";

  public static final class UnsafeNameException extends IOException {
    UnsafeNameException(String message) {
      super(message);
    }
  }

  private static boolean contentIs(Path file, String content) throws IOException {
    try {
      return Files.size(file) == content.getBytes(StandardCharsets.UTF_8).length
          && Files.readString(file, StandardCharsets.UTF_8).equals(content);
    } catch (NoSuchFileException | java.nio.charset.MalformedInputException e) {
      return false;
    }
  }

  /** Writes atomically unless the file already holds exactly this, so its time stays the review's. */
  static void writeIfChanged(Path target, String content) throws IOException {
    if (!contentIs(target, content)) {
      atomicWrite(target, content);
    }
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
