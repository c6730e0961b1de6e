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
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
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
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
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
    return String.join("\n", Arrays.copyOfRange(lines, Math.max(0, lines.length - 15), lines.length));
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

  /** CPU seconds (user + system) of a process, exited threads included, and of each live thread. */
  record Cpu(double processSeconds, Map<String, Double> threadSeconds,
      Map<String, String> threadNames) {

    /**
     * Seconds used since {@code before}, by thread name with digits folded ({@code als-worker-3}
     * -> {@code als-worker-N}); a thread that started in between counts from zero. Threads that
     * ended in between are in {@link #processSeconds} only.
     */
    Map<String, Double> byThreadSince(Cpu before) {
      Map<String, Double> out = new TreeMap<>();
      threadSeconds.forEach((tid, seconds) -> out.merge(threadNames.get(tid),
          seconds - before.threadSeconds.getOrDefault(tid, 0.0), Double::sum));
      return out;
    }
  }

  /**
   * Where a process's CPU went in a measured window, per thread group, as cores and as microseconds
   * per unit of work ({@code unit}: entry, record).
   */
  static String cpuReport(String process, String unit, Cpu before, Cpu after, double seconds, double units) {
    double total = after.processSeconds() - before.processSeconds();
    if (total <= 0) {
      return "";
    }
    List<Map.Entry<String, Double>> used = new ArrayList<>();
    after.byThreadSince(before).forEach((name, d) -> {
      if (d / seconds >= 0.01) {
        used.add(Map.entry(name, d));
      }
    });
    used.sort(Map.Entry.<String, Double>comparingByValue().reversed());
    StringBuilder b = new StringBuilder(String.format("%s CPU in the measured window: %.2f cores, %.1f us per %s%n",
        process, total / seconds, total / units * 1e6, unit));
    for (var e : used) {
      b.append(String.format("  %-30s %5.2f cores %6.1f us/%s%n", e.getKey(), e.getValue() / seconds,
          e.getValue() / units * 1e6, unit));
    }
    return b.toString();
  }

  /** {@code base}, then the flags in environment variable {@code variable}, for experiments. */
  static List<String> jvmOptions(List<String> base, String variable) {
    List<String> options = new ArrayList<>(base);
    String extra = System.getenv(variable);
    if (extra != null && !extra.isBlank()) {
      options.addAll(List.of(extra.trim().split("\\s+")));
    }
    return options;
  }

  /** Reads /proc (Linux; zeros elsewhere). Ticks are USER_HZ, 1/100 s on Linux. */
  static Cpu cpu(long pid) {
    Map<String, Double> seconds = new HashMap<>();
    Map<String, String> names = new HashMap<>();
    double process = ticks(Path.of("/proc/" + pid + "/stat"));
    Path tasks = Path.of("/proc/" + pid + "/task");
    if (Files.isDirectory(tasks)) {
      try (var dirs = Files.list(tasks)) {
        for (Path t : (Iterable<Path>) dirs::iterator) {
          try {
            String name = Files.readString(t.resolve("comm")).strip().replaceAll("\\d+", "N");
            double used = ticks(t.resolve("stat"));
            seconds.put(t.getFileName().toString(), used);
            names.put(t.getFileName().toString(), name);
          } catch (IOException | RuntimeException e) {
            // the thread ended between listing and reading: the process total has it
          }
        }
      } catch (IOException e) {
        // no per-thread figures
      }
    }
    return new Cpu(process, seconds, names);
  }

  private static double ticks(Path stat) {
    try {
      String line = Files.readString(stat);
      // After the parenthesised name; utime and stime are the 14th and 15th fields of the line.
      String[] f = line.substring(line.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
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
