package io.meshscope.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code meshscope} command. {@code main} only wires; each subcommand is one stage or tool. */
@Command(
    name = "meshscope",
    mixinStandardHelpOptions = true,
    versionProvider = Meshscope.Version.class,
    description = "Learns right-sized Istio Sidecar resources from Envoy access logs, through Kafka.",
    subcommands = {
        DemoCommand.class,
        RunCommand.class,
        ReceiverCommand.class,
        AnalyzerCommand.class,
        GeneratorCommand.class,
        SimulateCommand.class,
        ReplayCommand.class,
        KafkaCommand.class,
        ReportCommand.class,
        CommandLine.HelpCommand.class})
public final class Meshscope implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  static CommandLine commandLine() {
    return new CommandLine(new Meshscope()).setCaseInsensitiveEnumValuesAllowed(true)
        .setExecutionExceptionHandler(new UserErrors());
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Meshscope.class.getPackage().getImplementationVersion();
      return new String[] {"meshscope " + (v == null ? "(development build)" : v)};
    }
  }
}
