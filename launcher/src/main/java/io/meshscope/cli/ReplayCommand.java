package io.meshscope.cli;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.meshscope.client.replay.CapturedMessages;
import io.meshscope.client.simulate.EnvoyAlsClient;
import io.meshscope.receiver.ReceiverConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "replay", mixinStandardHelpOptions = true,
    description = {"Sends captured ALS messages to a receiver, one stream per file, as Envoy would.",
        "A file holds StreamAccessLogsMessages or single HTTP/TCP entries, in protobuf JSON (as JsonFormat",
        "prints them; objects one after another or an array) or protobuf text format (messages separated",
        "by a line ---). Only a file's first message should carry the identifier. Every file is checked",
        "before anything is sent; a bad one is reported with its file and line."})
final class ReplayCommand implements Callable<Integer> {

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Captured messages.")
  List<Path> files;

  @Option(names = "--target", defaultValue = "127.0.0.1:" + ReceiverConfig.DEFAULT_GRPC_PORT,
      description = "Receiver host:port. Default: ${DEFAULT-VALUE}.")
  String target;

  PrintStream console = System.out;
  PrintStream errors = System.err;

  @Override
  public Integer call() throws Exception {
    Map<Path, List<CapturedMessages.Captured>> streams = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    for (Path f : files) {
      try {
        streams.put(f, CapturedMessages.read(f));
      } catch (CapturedMessages.BadCaptureException e) {
        problems.add(e.getMessage());
      } catch (IOException e) {
        problems.add(f + ": cannot read: " + e.getMessage());
      }
    }
    if (!problems.isEmpty()) {
      problems.forEach(p -> errors.println("replay: " + p));
      errors.println("replay: nothing sent");
      return 1;
    }
    ManagedChannel channel = Grpc.newChannelBuilder(target, InsecureChannelCredentials.create()).build();
    long messages = 0;
    long entries = 0;
    try {
      for (Map.Entry<Path, List<CapturedMessages.Captured>> stream : streams.entrySet()) {
        EnvoyAlsClient client = new EnvoyAlsClient(channel, null, Integer.MAX_VALUE, Long.MAX_VALUE / 1_000_000);
        for (CapturedMessages.Captured c : stream.getValue()) {
          client.sendAsIs(c.message());
          messages++;
          entries += c.message().getHttpLogs().getLogEntryCount() + c.message().getTcpLogs().getLogEntryCount();
        }
        client.close();
        if (!stream.getValue().get(0).message().hasIdentifier()) {
          errors.println("replay: warning: " + stream.getKey() + " starts without an identifier; the receiver "
              + "forwards its entries flagged NO_IDENTITY");
        }
      }
    } finally {
      channel.shutdown().awaitTermination(10, TimeUnit.SECONDS);
    }
    console.printf("replayed %d messages (%d entries) from %d files to %s%n", messages, entries, streams.size(), target);
    return 0;
  }
}
