package io.meshscope.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Starting the JVMs a benchmark compares, and reading their figures. */
final class Processes {
  private Processes() {}

  static final String CLASSPATH = System.getProperty("java.class.path");
  static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

  static Process java(Path log, List<String> jvmArgs, String mainClass, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(JAVA);
    cmd.addAll(jvmArgs);
    cmd.add("-cp");
    cmd.add(CLASSPATH);
    cmd.add(mainClass);
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  static String await(Process p, Path log, Duration timeout) throws Exception {
    if (!p.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("timed out; see " + log);
    }
    String out = Files.readString(log);
    if (p.exitValue() != 0) {
      throw new IllegalStateException("exit " + p.exitValue() + "; see " + log + "\n" + tail(out));
    }
    return out;
  }

  static String tail(String s) {
    String[] lines = s.split("\n");
    return String.join("\n", java.util.Arrays.copyOfRange(lines, Math.max(0, lines.length - 15), lines.length));
  }

  /** Peak resident set size of a process (VmHWM), in MiB. */
  static double peakRssMib(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("\\D+", "")) / 1024.0;
      }
    }
    return Double.NaN;
  }

  /**
   * CPU seconds (user + system) each thread of a process has used, summed by thread name with its
   * digits folded ({@code als-worker-3} -> {@code als-worker-N}). Linux only; empty elsewhere.
   */
  static java.util.Map<String, Double> cpuSecondsByThread(long pid) {
    java.util.Map<String, Double> out = new java.util.TreeMap<>();
    Path tasks = Path.of("/proc/" + pid + "/task");
    if (!Files.isDirectory(tasks)) {
      return out;
    }
    try (var dirs = Files.list(tasks)) {
      for (Path t : (Iterable<Path>) dirs::iterator) {
        try {
          String name = Files.readString(t.resolve("comm")).strip().replaceAll("\\d+", "N");
          String stat = Files.readString(t.resolve("stat"));
          // Fields after the parenthesised name; utime and stime are the 14th and 15th of the line.
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          double seconds = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
          out.merge(name, seconds, Double::sum);
        } catch (IOException | RuntimeException e) {
          // the thread ended between listing and reading: it no longer counts
        }
      }
    } catch (IOException e) {
      return out;
    }
    return out;
  }

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  static String get(String url) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  /** A sample's value from Prometheus text, summed over the lines that match. */
  static double metric(String text, String nameAndLabels) {
    double sum = 0;
    boolean found = false;
    Pattern p = Pattern.compile("^" + Pattern.quote(nameAndLabels) + "(\\{[^}]*})? ([0-9.eE+-]+)$", Pattern.MULTILINE);
    Matcher m = p.matcher(text);
    while (m.find()) {
      sum += Double.parseDouble(m.group(2));
      found = true;
    }
    return found ? sum : Double.NaN;
  }
}
