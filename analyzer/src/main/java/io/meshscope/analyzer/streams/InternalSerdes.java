package io.meshscope.analyzer.streams;

import io.meshscope.analyzer.domain.GraphState;
import io.meshscope.analyzer.domain.Instance;
import io.meshscope.analyzer.domain.ModeRequest;
import io.meshscope.analyzer.domain.Observation;
import io.meshscope.schemas.JsonSerde;
import io.meshscope.schemas.MalformedRecordException;
import io.meshscope.schemas.WorkloadRef;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serdes of the analyzer's own state and repartition topic. The graph store is rewritten for every
 * observation and the observations cross a topic twice, so their encoding was most of the
 * analyzer's CPU as JSON (about 40% in the benchmark's profile); {@link BinaryCodec} writes them
 * several times faster. The first byte is a format version. Values written as JSON by an earlier
 * release start with '{' and are still read, so an upgrade needs no reset; a release before this
 * one cannot read the binary values, so going back needs a reset of the application's state.
 */
final class InternalSerdes {
  private InternalSerdes() {}

  static final int FORMAT_V1 = 1;
  /** Version 1 and the instances: of a graph state, and of an observation its reporter's. */
  static final int FORMAT_V2 = 2;
  /** Version 2, an edge's last call through the fallback (and what was published of it), and the mode each instance asks for. */
  static final int FORMAT_V3 = 3;

  static Serde<GraphState> graphState() {
    JsonSerde<GraphState> json = new JsonSerde<>(GraphState.class);
    Serializer<GraphState> write = (topic, s) -> s == null ? null : writeState(s);
    Deserializer<GraphState> read = (topic, data) -> read(topic, data, "GraphState", json, InternalSerdes::readState);
    return Serdes.serdeFrom(write, read);
  }

  static Serde<Observation> observation() {
    JsonSerde<Observation> json = new JsonSerde<>(Observation.class);
    Serializer<Observation> write = (topic, o) -> o == null ? null : writeObservation(o);
    Deserializer<Observation> read =
        (topic, data) -> read(topic, data, "Observation", json, InternalSerdes::readObservation);
    return Serdes.serdeFrom(write, read);
  }

  private interface Decoder<T> {
    T decode(BinaryCodec.Reader r, int format);
  }

  private static <T> T read(String topic, byte[] data, String type, JsonSerde<T> json, Decoder<T> decoder) {
    if (data == null) {
      return null;
    }
    if (data.length > 0 && data[0] == '{') {
      return json.deserialize(topic, data);
    }
    if (data.length == 0 || data[0] < FORMAT_V1 || data[0] > FORMAT_V3) {
      throw new MalformedRecordException(type, topic,
          "unknown internal format " + (data.length == 0 ? "(empty)" : String.valueOf(data[0])), null);
    }
    try {
      BinaryCodec.Reader r = new BinaryCodec.Reader(data, 1);
      T value = decoder.decode(r, data[0]);
      if (!r.atEnd()) {
        throw new BinaryCodec.CorruptException("trailing bytes after the value");
      }
      return value;
    } catch (BinaryCodec.CorruptException | IllegalArgumentException | NullPointerException e) {
      throw new MalformedRecordException(type, topic, e.getMessage(), e);
    }
  }

  /**
   * Format 3 only for a state that holds what format 2 cannot (adaptive mode's fields): an analyzer
   * of the release before reads every other value, so a rolling upgrade of a mesh that does not use
   * adaptive mode yet loses nothing, and rolling back stays possible until it does.
   */
  private static boolean needsV3(GraphState s) {
    for (GraphState.EdgeState e : s.edges().values()) {
      if (e.fallbackLastSeen() != null || e.publishedThroughFallback()) {
        return true;
      }
    }
    for (GraphState.InstanceState i : s.instances().values()) {
      if (i.mode() != null) {
        return true;
      }
    }
    return false;
  }

  static byte[] writeState(GraphState s) {
    boolean v3 = needsV3(s);
    BinaryCodec.Writer w = new BinaryCodec.Writer().writeByte(v3 ? FORMAT_V3 : FORMAT_V2);
    writeWorkload(w, s.workload());
    w.writeString(s.role()).writeLong(s.revision()).writeInstant(s.windowStart()).writeInstant(s.windowEnd());
    w.writeLong(s.edges().size());
    for (Map.Entry<String, GraphState.EdgeState> e : s.edges().entrySet()) {
      GraphState.EdgeState edge = e.getValue();
      w.writeString(e.getKey()).writeInstant(edge.firstSeen()).writeInstant(edge.lastSeen()).writeLong(edge.count());
      w.writeLong(edge.ports().size());
      for (Integer port : edge.ports()) {
        w.writeInt(port);
      }
      writeStrings(w, edge.protocols());
      writeStrings(w, edge.provenance());
      w.writeBoolean(edge.urgent());
      if (v3) {
        w.writeInstant(edge.fallbackLastSeen()).writeBoolean(edge.publishedThroughFallback());
      }
    }
    w.writeLong(s.rejected().size());
    for (Map.Entry<String, GraphState.RejectedState> e : s.rejected().entrySet()) {
      w.writeString(e.getKey()).writeString(e.getValue().reason()).writeLong(e.getValue().count())
          .writeInstant(e.getValue().lastSeen());
    }
    w.writeBoolean(s.evidenceChanged()).writeInstant(s.publishedAt());
    w.writeLong(s.instances().size());
    for (Map.Entry<String, GraphState.InstanceState> e : s.instances().entrySet()) {
      w.writeString(e.getKey());
      writeLabels(w, e.getValue().nameLabels());
      w.writeInstant(e.getValue().lastSeen());
      if (v3) {
        writeMode(w, e.getValue().mode());
      }
    }
    return w.toByteArray();
  }

  static GraphState readState(BinaryCodec.Reader r, int format) {
    WorkloadRef workload = readWorkload(r);
    String role = r.readString();
    long revision = r.readLong();
    var windowStart = r.readInstant();
    var windowEnd = r.readInstant();
    int edgeCount = r.readCount();
    Map<String, GraphState.EdgeState> edges = new HashMap<>(edgeCount * 2);
    for (int i = 0; i < edgeCount; i++) {
      String host = r.readString();
      var firstSeen = r.readInstant();
      var lastSeen = r.readInstant();
      long count = r.readLong();
      int portCount = r.readCount();
      Set<Integer> ports = new HashSet<>();
      for (int p = 0; p < portCount; p++) {
        ports.add(r.readInt());
      }
      Set<String> protocols = readStrings(r);
      Set<String> provenance = readStrings(r);
      boolean urgent = r.readBoolean();
      edges.put(host, new GraphState.EdgeState(firstSeen, lastSeen, count, ports, protocols, provenance, urgent,
          format >= FORMAT_V3 ? r.readInstant() : null, format >= FORMAT_V3 && r.readBoolean()));
    }
    int rejectedCount = r.readCount();
    Map<String, GraphState.RejectedState> rejected = new HashMap<>(rejectedCount * 2);
    for (int i = 0; i < rejectedCount; i++) {
      rejected.put(r.readString(), new GraphState.RejectedState(r.readString(), r.readLong(), r.readInstant()));
    }
    boolean evidenceChanged = r.readBoolean();
    var publishedAt = r.readInstant();
    Map<String, GraphState.InstanceState> instances = new HashMap<>();
    if (format >= FORMAT_V2) {
      int instanceCount = r.readCount();
      for (int i = 0; i < instanceCount; i++) {
        instances.put(r.readString(), new GraphState.InstanceState(readLabels(r), r.readInstant(),
            format >= FORMAT_V3 ? readMode(r) : null));
      }
    }
    return new GraphState(workload, role, revision, windowStart, windowEnd, edges, rejected, evidenceChanged,
        publishedAt, instances);
  }

  static byte[] writeObservation(Observation o) {
    boolean v3 = o.instance() != null && o.instance().mode() != null;
    BinaryCodec.Writer w = new BinaryCodec.Writer().writeByte(v3 ? FORMAT_V3 : FORMAT_V2);
    w.writeByte(kindCode(o.kind()));
    writeWorkload(w, o.workload());
    w.writeString(o.role()).writeInstant(o.at()).writeString(o.host());
    w.writeBoolean(o.port() != null);
    if (o.port() != null) {
      w.writeInt(o.port());
    }
    w.writeString(o.protocol()).writeString(o.provenance()).writeBoolean(o.urgent()).writeString(o.value())
        .writeString(o.reason());
    w.writeBoolean(o.instance() != null);
    if (o.instance() != null) {
      w.writeString(o.instance().id());
      writeLabels(w, o.instance().nameLabels());
      if (v3) {
        writeMode(w, o.instance().mode());
      }
    }
    return w.toByteArray();
  }

  static Observation readObservation(BinaryCodec.Reader r, int format) {
    Observation.Kind kind = switch (r.readByte()) {
      case 0 -> Observation.Kind.EDGE;
      case 1 -> Observation.Kind.PRESENCE;
      case 2 -> Observation.Kind.REJECTED;
      case 3 -> Observation.Kind.PENDING_CALLER;
      default -> throw new BinaryCodec.CorruptException("unknown observation kind");
    };
    WorkloadRef workload = readWorkload(r);
    String role = r.readString();
    var at = r.readInstant();
    String host = r.readString();
    Integer port = r.readBoolean() ? r.readInt() : null;
    String protocol = r.readString();
    String provenance = r.readString();
    boolean urgent = r.readBoolean();
    String value = r.readString();
    String reason = r.readString();
    Instance instance = format >= FORMAT_V2 && r.readBoolean()
        ? new Instance(r.readString(), readLabels(r), format >= FORMAT_V3 ? readMode(r) : null) : null;
    return new Observation(kind, workload, role, at, host, port, protocol, provenance, urgent, value, reason, instance);
  }

  /** Fixed codes, so that reordering the enum cannot change what stored bytes mean. */
  private static int kindCode(Observation.Kind kind) {
    return switch (kind) {
      case EDGE -> 0;
      case PRESENCE -> 1;
      case REJECTED -> 2;
      case PENDING_CALLER -> 3;
    };
  }

  private static void writeWorkload(BinaryCodec.Writer w, WorkloadRef ref) {
    w.writeString(ref.namespace()).writeString(ref.name()).writeLong(ref.selector().size());
    for (Map.Entry<String, String> e : ref.selector().entrySet()) {
      w.writeString(e.getKey()).writeString(e.getValue());
    }
  }

  private static WorkloadRef readWorkload(BinaryCodec.Reader r) {
    String namespace = r.readString();
    String name = r.readString();
    int n = r.readCount();
    Map<String, String> selector = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      selector.put(r.readString(), r.readString());
    }
    return new WorkloadRef(namespace, name, selector);
  }

  private static void writeMode(BinaryCodec.Writer w, ModeRequest mode) {
    w.writeBoolean(mode != null);
    if (mode != null) {
      w.writeString(mode.via()).writeString(mode.value());
    }
  }

  private static ModeRequest readMode(BinaryCodec.Reader r) {
    return r.readBoolean() ? new ModeRequest(r.readString(), r.readString()) : null;
  }

  private static void writeLabels(BinaryCodec.Writer w, Map<String, String> labels) {
    w.writeLong(labels.size());
    for (Map.Entry<String, String> e : new TreeMap<>(labels).entrySet()) {
      w.writeString(e.getKey()).writeString(e.getValue());
    }
  }

  private static Map<String, String> readLabels(BinaryCodec.Reader r) {
    int n = r.readCount();
    Map<String, String> labels = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      labels.put(r.readString(), r.readString());
    }
    return labels;
  }

  private static void writeStrings(BinaryCodec.Writer w, Set<String> values) {
    w.writeLong(values.size());
    for (String v : values) {
      w.writeString(v);
    }
  }

  private static Set<String> readStrings(BinaryCodec.Reader r) {
    int n = r.readCount();
    Set<String> values = new HashSet<>();
    for (int i = 0; i < n; i++) {
      values.add(r.readString());
    }
    return values;
  }
}
