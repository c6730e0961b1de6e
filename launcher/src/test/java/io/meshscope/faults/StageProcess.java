package io.meshscope.faults;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One meshscope stage ({@code meshscope kafka|receiver|analyzer|generator ...}) in a JVM of its own,
 * run from the shipped jar, so that a fault harness can stop it gently (SIGTERM), kill it (SIGKILL)
 * and start it again with the same arguments: the same data directory, state directory and ports.
 */
public final class StageProcess implements AutoCloseable {

  static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

  private final Path jar;
  private final String name;
  private final List<String> args;
  private final Path logDir;
  private final String heap;
  private Process process;
  private int starts;

  StageProcess(Path jar, String name, Path logDir, String heap, String... args) {
    this.jar = jar;
    this.name = name;
    this.logDir = logDir;
    this.heap = heap;
    this.args = List.of(args);
  }

  StageProcess start() throws IOException {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException(name + " is running");
    }
    List<String> cmd = new ArrayList<>(List.of(JAVA, "-Xmx" + heap, "-XX:+UseSerialGC", "-jar", jar.toString()));
    cmd.addAll(args);
    starts++;
    process = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile())).start();
    return this;
  }

  Path log() {
    return logDir.resolve(name + ".log");
  }

  /** SIGTERM, and waits for the process to end (its drain included). */
  void stop(Duration timeout) throws InterruptedException {
    if (process == null) {
      return;
    }
    process.destroy();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }

  /** SIGKILL: no shutdown hook, no drain, no flush. */
  void kill() throws InterruptedException {
    if (process != null) {
      process.destroyForcibly().waitFor();
    }
  }

  /** SIGSTOP, then SIGCONT after {@code pause}: a process that hangs (a stalled disk) without going away. */
  void freeze(Duration pause) throws Exception {
    signal("STOP");
    try {
      Thread.sleep(pause.toMillis());
    } finally {
      signal("CONT");
    }
  }

  private void signal(String name) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start();
    if (kill.waitFor() != 0) {
      throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
    }
  }

  boolean alive() {
    return process != null && process.isAlive();
  }

  int starts() {
    return starts;
  }

  String name() {
    return name;
  }

  /** Waits until {@code port} on 127.0.0.1 accepts connections; fails if the process ends first. */
  void awaitPort(int port, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!alive()) {
        throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log() + "\n"
            + tail(Files.readString(log()), 15));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException(name + " did not open port " + port + " in " + timeout + "; see " + log());
  }

  static String tail(String text, int lines) {
    String[] all = text.split("\n");
    return String.join("\n", java.util.Arrays.copyOfRange(all, Math.max(0, all.length - lines), all.length));
  }

  @Override
  public void close() throws InterruptedException {
    stop(Duration.ofSeconds(30));
  }
}
