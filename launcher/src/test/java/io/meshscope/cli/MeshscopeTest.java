package io.meshscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MeshscopeTest {

  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    CommandLine cmd = Meshscope.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cmd.setOut(new PrintWriter(out));
    cmd.setErr(new PrintWriter(err));
    int exit = cmd.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"demo", "run", "receiver", "analyzer", "generator", "simulate", "replay", "kafka"})
  void everySubcommandHasHelp(String sub) {
    Run r = run(sub, "--help");
    assertEquals(0, r.exit());
    assertTrue(r.out().startsWith("Usage: meshscope " + sub), r.out());
  }

  @Test
  void topLevelHelpListsTheSubcommands() {
    Run r = run("--help");
    assertEquals(0, r.exit());
    assertTrue(r.out().contains("receiver") && r.out().contains("simulate") && r.out().contains("kafka"), r.out());
  }

  @Test
  void receiverWithoutKafkaSaysWhatIsMissing() {
    Run r = run("receiver");
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("Missing required option: '--bootstrap-servers"), r.err());
  }

  @Test
  void anInvalidGeneratorConfigIsOneLineWithoutAStackTrace(@TempDir Path dir) throws Exception {
    Path config = Files.writeString(dir.resolve("generator.yaml"), "mode: adaptiv\n");
    Run r = run("generator", "--bootstrap-servers", "127.0.0.1:1", "--config", config.toString(),
        "--out", dir.resolve("out").toString());
    assertEquals(2, r.exit());
    assertEquals("meshscope generator: mode: must be recommend or adaptive, was 'adaptiv'" + System.lineSeparator(),
        r.err());
  }

  @Test
  void aServicesFileThatIsNoServiceListIsOneLineNamingIt(@TempDir Path dir) throws Exception {
    Path services = Files.writeString(dir.resolve("services.json"), "{\"kind\": \"Pod\"}");
    Run r = run("generator", "--bootstrap-servers", "127.0.0.1:1", "--services", services.toString(),
        "--out", dir.resolve("out").toString(), "--metrics-port", "-1");
    assertEquals(2, r.exit());
    assertEquals("meshscope generator: " + services + ": expected kind List with items, or kind Service; found kind 'Pod'"
        + System.lineSeparator(), r.err());
  }

  @Test
  void aMissingConfigFileIsNamed(@TempDir Path dir) {
    Path config = dir.resolve("absent.yaml");
    Run r = run("generator", "--bootstrap-servers", "127.0.0.1:1", "--config", config.toString(),
        "--out", dir.resolve("out").toString());
    assertEquals(2, r.exit());
    assertEquals("meshscope generator: no such file: " + config + System.lineSeparator(), r.err());
  }

  @Test
  void badValueIsAUsageErrorNamingTheOption() {
    Run r = run("simulate", "--topology", "galaxy");
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("--topology"), r.err());
  }
}
