package io.meshscope.bench;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/** Where the time goes, from a JFR recording's execution samples: top frames and inclusive shares. */
final class Profiles {
  private Profiles() {}

  static String hotMethods(Path jfr, int top) throws Exception {
    Map<String, Integer> self = new HashMap<>();
    Map<String, Integer> inclusive = new HashMap<>();
    int samples = 0;
    for (RecordedEvent e : RecordingFile.readAllEvents(jfr)) {
      if (!e.getEventType().getName().equals("jdk.ExecutionSample") || e.getStackTrace() == null) {
        continue;
      }
      samples++;
      Set<String> seen = new HashSet<>();
      boolean first = true;
      for (RecordedFrame f : e.getStackTrace().getFrames()) {
        String name = f.getMethod().getType().getName() + "." + f.getMethod().getName();
        if (first) {
          self.merge(name, 1, Integer::sum);
          first = false;
        }
        if (seen.add(name)) {
          inclusive.merge(name, 1, Integer::sum);
        }
      }
    }
    StringBuilder out = new StringBuilder(String.format("%nprofile: %d execution samples in %s%n", samples, jfr));
    int n = Math.max(samples, 1);
    out.append("top frames (self):\n");
    self.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(top)
        .forEach(x -> out.append(String.format("  %5.1f%%  %s%n", x.getValue() * 100.0 / n, x.getKey())));
    out.append("meshscope, Jackson, gRPC, protobuf and Kafka producer frames (inclusive):\n");
    inclusive.entrySet().stream()
        .filter(x -> x.getKey().startsWith("io.meshscope") || x.getKey().startsWith("com.fasterxml.jackson.databind.ObjectWriter")
            || x.getKey().startsWith("org.apache.kafka.clients.producer.KafkaProducer.doSend")
            || x.getKey().startsWith("com.google.protobuf.CodedInputStream")
            || x.getKey().startsWith("io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoop.run")
            || x.getKey().startsWith("org.apache.kafka.streams.state.internals")
            || x.getKey().startsWith("org.apache.kafka.streams.processor.internals.StreamTask")
            || x.getKey().startsWith("org.rocksdb"))
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(top)
        .forEach(x -> out.append(String.format("  %5.1f%%  %s%n", x.getValue() * 100.0 / n, x.getKey())));
    return out.toString();
  }
}
