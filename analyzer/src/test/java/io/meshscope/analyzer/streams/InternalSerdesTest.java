package io.meshscope.analyzer.streams;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshscope.analyzer.domain.GraphState;
import io.meshscope.analyzer.domain.Instance;
import io.meshscope.analyzer.domain.ModeRequest;
import io.meshscope.analyzer.domain.Observation;
import io.meshscope.schemas.JsonSerde;
import io.meshscope.schemas.MalformedRecordException;
import io.meshscope.schemas.WorkloadRef;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

class InternalSerdesTest {

  private final Serde<GraphState> states = InternalSerdes.graphState();
  private final Serde<Observation> observations = InternalSerdes.observation();

  @Test
  void randomGraphStatesSurviveTheRoundTrip() {
    Random random = new Random(11);
    for (int i = 0; i < 2_000; i++) {
      GraphState s = state(random);
      assertEquals(s, states.deserializer().deserialize("t", states.serializer().serialize("t", s)), "state " + i);
    }
  }

  @Test
  void randomObservationsSurviveTheRoundTrip() {
    Random random = new Random(12);
    for (int i = 0; i < 2_000; i++) {
      Observation o = observation(random);
      assertEquals(o, observations.deserializer().deserialize("t", observations.serializer().serialize("t", o)),
          "observation " + i);
    }
  }

  @Test
  void stateWrittenAsJsonByAnEarlierReleaseIsStillRead() {
    // A seed whose refused values pair their surrogates: JSON, the format of that release, cannot hold lone ones.
    GraphState s = state(new Random(17));
    byte[] json = new JsonSerde<>(GraphState.class).serialize("t", s);
    assertEquals(s, states.deserializer().deserialize("t", json));
    Observation o = observation(new Random(14));
    assertEquals(o, observations.deserializer().deserialize("t",
        new JsonSerde<>(Observation.class).serialize("t", o)));
  }

  @Test
  void everyTruncationAndAForeignFormatAreRefusedWithAReason() {
    byte[] bytes = states.serializer().serialize("t", state(new Random(15)));
    for (int n = 0; n < bytes.length; n++) {
      byte[] cut = Arrays.copyOf(bytes, n);
      MalformedRecordException e = assertThrows(MalformedRecordException.class,
          () -> states.deserializer().deserialize("t", cut), "cut at " + n);
      assertTrue(e.getMessage().contains("GraphState"), e.getMessage());
    }
    byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
    assertThrows(MalformedRecordException.class, () -> states.deserializer().deserialize("t", longer));
    byte[] future = bytes.clone();
    future[0] = 9;
    MalformedRecordException e = assertThrows(MalformedRecordException.class,
        () -> states.deserializer().deserialize("t", future));
    assertTrue(e.getMessage().contains("unknown internal format 9"), e.getMessage());
    assertNull(states.deserializer().deserialize("t", null));
  }

  @Test
  void unpairedSurrogatesAreKeptNotReplaced() {
    Observation o = new Observation(Observation.Kind.REJECTED, WorkloadRef.of("ns", "a", Map.of()), "sidecar",
        Instant.EPOCH, null, null, null, null, false, "x\ud800", "junk\udfff\ud83d\ude00", null);
    assertEquals(o, observations.deserializer().deserialize("t", observations.serializer().serialize("t", o)));
  }

  @Test
  void aStateOfTheFormatBeforeInstancesIsStillRead() {
    GraphState s = new GraphState(WorkloadRef.of("ns", "a", Map.of("app", "a")), "sidecar", 3, Instant.EPOCH,
        Instant.EPOCH, Map.of(), Map.of(), false, null, Map.of());
    byte[] v2 = states.serializer().serialize("t", s);
    assertEquals(0, v2[v2.length - 1], "the instance count comes last");
    byte[] v1 = Arrays.copyOf(v2, v2.length - 1);
    v1[0] = InternalSerdes.FORMAT_V1;

    assertEquals(s, states.deserializer().deserialize("t", v1));
  }

  @Test
  void withoutAdaptiveModesFieldsTheFormatBeforeIsWrittenForTheReleaseBeforeToRead() {
    GraphState.EdgeState edge = new GraphState.EdgeState(Instant.EPOCH, Instant.EPOCH, 1, Set.of(80), Set.of("HTTP"),
        Set.of("outbound-cluster"), false);
    GraphState s = new GraphState(WorkloadRef.of("ns", "a", Map.of("app", "a")), "sidecar", 3, Instant.EPOCH,
        Instant.EPOCH, Map.of("b.ns.svc.cluster.local", edge), Map.of(), false, null,
        Map.of("a-1", new GraphState.InstanceState(Map.of("app", "a"), Instant.EPOCH)));
    byte[] plain = states.serializer().serialize("t", s);
    assertEquals(InternalSerdes.FORMAT_V2, plain[0]);
    assertEquals(s, states.deserializer().deserialize("t", plain));

    GraphState adaptive = new GraphState(s.workload(), "sidecar", 3, Instant.EPOCH, Instant.EPOCH,
        Map.of("b.ns.svc.cluster.local", new GraphState.EdgeState(Instant.EPOCH, Instant.EPOCH, 1, Set.of(80),
            Set.of("HTTP"), Set.of("fallback-authority"), false, Instant.EPOCH, true)), Map.of(), false, null,
        Map.of("a-1", new GraphState.InstanceState(Map.of("app", "a"), Instant.EPOCH,
            new ModeRequest("label", "adaptive"))));
    byte[] v3 = states.serializer().serialize("t", adaptive);
    assertEquals(InternalSerdes.FORMAT_V3, v3[0]);
    assertEquals(adaptive, states.deserializer().deserialize("t", v3));

    Observation o = Observation.presence(s.workload(), "sidecar", Instant.EPOCH).withInstance(
        new Instance("a-1", Map.of("app", "a")));
    assertEquals(InternalSerdes.FORMAT_V2, observations.serializer().serialize("t", o)[0]);
  }

  @Test
  void anInstantWithNanosOutOfRangeIsMalformed() {
    BinaryCodec.Writer w = new BinaryCodec.Writer().writeByte(InternalSerdes.FORMAT_V1).writeByte(1);
    w.writeString("ns").writeString("a").writeLong(0).writeString("sidecar");
    w.writeBoolean(true).writeLong(Long.MAX_VALUE).writeInt(1_000_000_000);
    assertThrows(MalformedRecordException.class, () -> observations.deserializer().deserialize("t", w.toByteArray()));
  }

  @Test
  void randomBytesNeverEscapeAsAnythingButAMalformedRecord() {
    Random random = new Random(16);
    for (int i = 0; i < 5_000; i++) {
      byte[] junk = new byte[random.nextInt(1, 80)];
      random.nextBytes(junk);
      junk[0] = InternalSerdes.FORMAT_V1;
      try {
        observations.deserializer().deserialize("t", junk);
        states.deserializer().deserialize("t", junk);
      } catch (MalformedRecordException expected) {
        // the only acceptable failure
      }
    }
  }

  static GraphState state(Random random) {
    Map<String, GraphState.EdgeState> edges = new HashMap<>();
    for (int i = random.nextInt(12); i > 0; i--) {
      Set<Integer> ports = new HashSet<>();
      for (int p = random.nextInt(3); p > 0; p--) {
        ports.add(random.nextInt(65536));
      }
      edges.put("svc-" + random.nextInt(1000) + ".ns.svc.cluster.local", new GraphState.EdgeState(instant(random),
          instant(random), random.nextLong(0, Long.MAX_VALUE), ports, Set.of("HTTP", "TCP").stream()
          .filter(x -> random.nextBoolean()).collect(Collectors.toSet()),
          Set.of("outbound", random.nextBoolean() ? "inbound" : "passthrough"), random.nextBoolean(),
          random.nextBoolean() ? null : instant(random), random.nextBoolean()));
    }
    Map<String, GraphState.RejectedState> rejected = new HashMap<>();
    for (int i = random.nextInt(3); i > 0; i--) {
      rejected.put("10.0.0." + random.nextInt(255) + (random.nextBoolean() ? "é\n" : "\ud800x\udc00"),
          new GraphState.RejectedState("IP literal",
          random.nextInt(100), instant(random)));
    }
    return new GraphState(workload(random), random.nextBoolean() ? "sidecar" : "gateway", random.nextLong(),
        instant(random), instant(random), edges, rejected, random.nextBoolean(),
        random.nextBoolean() ? null : instant(random), random.nextBoolean() ? Map.of()
            : Map.of("reviews-v1-abc", new GraphState.InstanceState(Map.of("app", "reviews"), instant(random),
                    random.nextBoolean() ? null : new ModeRequest("annotation", "adaptive")),
                "reviews-v2-def", new GraphState.InstanceState(Map.of(), instant(random))));
  }

  static Observation observation(Random random) {
    Observation.Kind kind = Observation.Kind.values()[random.nextInt(3)];
    return new Observation(kind, workload(random), "sidecar", instant(random),
        random.nextBoolean() ? null : "reviews.bookinfo.svc.cluster.local", random.nextBoolean() ? null
        : random.nextInt(-1, 65536), random.nextBoolean() ? null : "HTTP", random.nextBoolean() ? null : "outbound",
        random.nextBoolean(), random.nextBoolean() ? null : "\u0000junk 😀", random.nextBoolean() ? null : "reason",
        random.nextBoolean() ? null : new Instance("reviews-v1-abc", random.nextBoolean() ? Map.of()
            : Map.of("app", "reviews", "service.istio.io/canonical-name", "reviews"),
            random.nextBoolean() ? null : new ModeRequest("label", "off\n")));
  }

  private static WorkloadRef workload(Random random) {
    Map<String, String> selector = new HashMap<>();
    for (int i = random.nextInt(3); i > 0; i--) {
      selector.put("label-" + i, "value-" + random.nextInt(9));
    }
    return WorkloadRef.of("ns-" + random.nextInt(9), "app-" + random.nextInt(99), selector);
  }

  private static Instant instant(Random random) {
    return Instant.ofEpochSecond(random.nextLong(-10_000_000_000L, 10_000_000_000L), random.nextInt(1_000_000_000));
  }
}
