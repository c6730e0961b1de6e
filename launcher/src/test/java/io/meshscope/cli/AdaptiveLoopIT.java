package io.meshscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.meshscope.client.simulate.AdaptiveCaller;
import io.meshscope.kafka.test.KafkaCluster;
import io.meshscope.kafka.test.KafkaExtension;
import io.meshscope.schemas.SidecarRecommendation;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Adaptive mode heals itself (docs/adaptive.md): on the real broker, receiver, analyzer and
 * generator, an adaptive Sidecar is emitted and applied; the workload calls a host it does not list,
 * through the fallback; the Sidecar gains the host; once that Sidecar is applied the calls go direct,
 * fallback traffic for the host stops, and the generator reports the Sidecar applied.
 */
@ExtendWith(KafkaExtension.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class AdaptiveLoopIT {

  @Test
  void aHostCalledThroughTheFallbackJoinsTheSidecarAndThenGoesDirect(KafkaCluster kafka, @TempDir Path dir)
      throws Exception {
    Path out = dir.resolve("sidecars");
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    try (Stages stages = Stages.start(kafka, dir, out)) {
      ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", stages.receiver().port(),
          InsecureChannelCredentials.create()).build();
      try (AdaptiveCaller caller = new AdaptiveCaller(channel, "shop", "frontend", "10.44.7.12")) {
        AdaptiveLoop.Result r = new AdaptiveLoop(caller, stages.generator(), stages.analyzer().httpPort(),
            new PrintStream(console, true, StandardCharsets.UTF_8), Duration.ofMinutes(2))
            .run(List.of("cart.shop.svc.cluster.local"), "payments.shop.svc.cluster.local", 9080);

        assertTrue(r.throughFallbackBefore() > 0, "the new host's first calls went through the fallback");
        // That the calls then went direct is the pipeline's finding, from the logs: the generator saw
        // the host's latest calls in the graph arrive direct, after its last call through the fallback.
        assertEquals("yes", r.status().applied());
        assertTrue(r.status().stillThroughFallback().isEmpty(), r.status().toString());
        assertTrue(r.sidecarYaml().contains("egressProxy"), "still adaptive:\n" + r.sidecarYaml());
        assertTrue(r.toGraph().compareTo(r.toRecord()) <= 0, r.toString());

        // The file on disk, the status page, and the fallback's own graph: nothing learned for it, no Sidecar.
        String yaml = Files.readString(out.resolve("shop/frontend.yaml"));
        assertTrue(yaml.contains("./payments.shop.svc.cluster.local") && yaml.contains("./cart.shop.svc.cluster.local"),
            yaml);
        String status = Files.readString(out.resolve("fallback-status.md"));
        assertTrue(status.contains("| shop/frontend |") && status.contains("| yes |"), status);
        SidecarRecommendation fallback = stages.generator().latest().get("istio-system/istio-axds-egressgateway");
        assertEquals("skipped", fallback.status(), String.valueOf(fallback));
        assertEquals("off", fallback.mode());
      } finally {
        channel.shutdownNow();
      }
    } finally {
      System.out.print(console.toString(StandardCharsets.UTF_8));
    }
  }
}
