package io.meshscope.faults;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A small tmpfs mounted on a stage's directory, so that a fault can make the disk really full
 * (ENOSPC) or read-only (EROFS) under a running stage, and give the space back. Needs root (or
 * CAP_SYS_ADMIN); {@link #available()} says whether this machine allows it, and the scenarios that
 * need it are skipped with a note where it does not.
 */
final class Tmpfs implements AutoCloseable {

  private final Path dir;
  private final Path filler;

  private Tmpfs(Path dir) {
    this.dir = dir;
    this.filler = dir.resolve("zz-disk-filler");
  }

  /** Whether tmpfs can be mounted here: tried once on a scratch directory. */
  static boolean available(Path scratch) {
    try {
      Files.createDirectories(scratch);
      run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", scratch.toString());
      run("umount", scratch.toString());
      return true;
    } catch (IOException | InterruptedException | IllegalStateException e) {
      return false;
    }
  }

  static Tmpfs mount(Path dir, String size) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString());
    return new Tmpfs(dir);
  }

  /** Writes a file until the disk refuses: every write after this fails with "No space left on device". */
  void fill() throws IOException {
    byte[] block = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(filler)) {
      while (true) {
        out.write(block);
      }
    } catch (IOException full) {
      if (!String.valueOf(full.getMessage()).contains("No space left")) {
        throw full;
      }
    }
  }

  /** Gives the space back. */
  void free() throws IOException {
    Files.deleteIfExists(filler);
  }

  void readOnly(boolean ro) throws IOException, InterruptedException {
    run("mount", "-o", "remount," + (ro ? "ro" : "rw"), dir.toString());
  }

  @Override
  public void close() throws IOException, InterruptedException {
    run("umount", "-l", dir.toString());
  }

  private static void run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(List.of(cmd)).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out.trim());
    }
  }
}
