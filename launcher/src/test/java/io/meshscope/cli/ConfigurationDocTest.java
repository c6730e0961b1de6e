package io.meshscope.cli;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * docs/configuration.md against the flags themselves: every flag of a command is in its table, with
 * the default that {@code --help} shows. Defaults are written once, in the stages' config classes;
 * this keeps the page from drifting from them.
 */
class ConfigurationDocTest {

  private static final Path DOC = Path.of("..", "docs", "configuration.md");

  /** Where each command's flags are documented: a section heading, or a table row that starts so. */
  private static final Map<String, String> PLACES = Map.of(
      "receiver", "## Receiver",
      "analyzer", "## Analyzer",
      "generator", "## Generator",
      "run", "| `meshscope run`",
      "demo", "| `meshscope demo`",
      "kafka", "| `meshscope kafka`",
      "report", "| `meshscope report`",
      "replay", "| `meshscope replay");

  @Test
  void everyFlagAndItsDefaultIsDocumented() throws IOException {
    List<String> doc = Files.readAllLines(DOC);
    CommandLine meshscope = Meshscope.commandLine();
    List<String> problems = new ArrayList<>();
    PLACES.forEach((command, place) -> {
      CommandSpec spec = meshscope.getSubcommands().get(command).getCommandSpec();
      List<String> lines = place(doc, place);
      if (lines.isEmpty()) {
        problems.add(command + ": no '" + place + "' in " + DOC);
        return;
      }
      for (OptionSpec option : spec.options()) {
        if (option.usageHelp() || option.versionHelp()) {
          continue;
        }
        String name = "`" + option.longestName();
        List<String> mentions = lines.stream().filter(l -> l.contains(name)).toList();
        if (mentions.isEmpty()) {
          problems.add(command + " " + option.longestName() + ": not documented");
          continue;
        }
        String shown = defaultShownByHelp(option);
        if (shown != null && mentions.stream().noneMatch(l -> l.replace("`", "").contains(shown))) {
          problems.add(command + " " + option.longestName() + ": default " + shown + " not in " + mentions);
        }
      }
    });
    if (!problems.isEmpty()) {
      fail(String.join("\n", problems));
    }
  }

  /** The default with variables resolved, as --help prints it; null when there is none. */
  private static String defaultShownByHelp(OptionSpec option) {
    String value = option.defaultValueString(true);
    boolean flag = option.arity().max() == 0; // a switch: on when given, off (false) when not
    return value == null || value.isEmpty() || value.equals("null") || option.typeInfo().isMultiValue() || flag
        ? null : value;
  }

  /** The lines of a section (up to the next heading) or the one table row that starts with {@code place}. */
  private static List<String> place(List<String> doc, String place) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < doc.size(); i++) {
      if (!doc.get(i).startsWith(place)) {
        continue;
      }
      if (!place.startsWith("#")) {
        return List.of(doc.get(i));
      }
      for (int j = i + 1; j < doc.size() && !doc.get(j).startsWith("#"); j++) {
        out.add(doc.get(j));
      }
      return out;
    }
    return out;
  }
}
