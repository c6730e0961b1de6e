package io.meshscope.receiver.domain;

import com.google.protobuf.Any;
import com.google.protobuf.BytesValue;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import io.meshscope.receiver.wire.FlatNodeReader;
import io.meshscope.receiver.wire.RawEntry;
import io.meshscope.schemas.PeerMetadata;
import java.util.List;
import java.util.Map;

/**
 * Reads the peer workload that Istio's metadata exchange left in Envoy's filter state and that the
 * ALS logger copies into {@code filter_state_objects}: since Istio 1.24 {@code upstream_peer} /
 * {@code downstream_peer}, a flat {@code google.protobuf.Struct} with the keys of istio/proxy's
 * {@code metadata_object.h} ({@code namespace}, {@code workload}, {@code name}, {@code cluster},
 * {@code service}, {@code app}, {@code identity}, nested {@code labels}); before, {@code wasm.*} keys
 * holding a {@code BytesValue} with a FlatBuffer {@code FlatNode} (see {@link FlatNodeReader}).
 */
public final class PeerMetadataDecoder {
  private PeerMetadataDecoder() {}

  /**
   * The peer, or null when the entry carries none in a form this decoder reads, from the four keys
   * an entry may carry; through {@code memo} when not null.
   */
  public static PeerMetadata decode(RawEntry.PeerState state, boolean upstream, List<Rejection> rejections,
      PeerMetadataMemo memo) {
    String key = upstream ? RawEntry.PeerState.UPSTREAM : RawEntry.PeerState.DOWNSTREAM;
    RawEntry.FilterValue value = upstream ? state.upstream() : state.downstream();
    if (value != null && holds(value.typeUrl(), STRUCT)) {
      return decode(key, value, rejections, memo);
    }
    String wasmKey = upstream ? RawEntry.PeerState.WASM_UPSTREAM : RawEntry.PeerState.WASM_DOWNSTREAM;
    value = upstream ? state.wasmUpstream() : state.wasmDownstream();
    if (value != null && (holds(value.typeUrl(), STRUCT) || holds(value.typeUrl(), BYTES_VALUE))) {
      return decode(wasmKey, value, rejections, memo);
    }
    return null;
  }

  private static PeerMetadata decode(String source, RawEntry.FilterValue value, List<Rejection> rejections,
      PeerMetadataMemo memo) {
    return memo == null ? decode(source, value, rejections) : memo.decode(source, value, rejections);
  }

  /** One filter-state value, a Struct or a BytesValue holding a FlatNode, read as the peer of {@code source}. */
  static PeerMetadata decode(String source, RawEntry.FilterValue value, List<Rejection> rejections) {
    if (holds(value.typeUrl(), STRUCT)) {
      Struct s = struct(value.value(), rejections);
      return s == null ? null : fromStruct(source, s, rejections);
    }
    try {
      Struct node = FlatNodeReader.read(BytesValue.parseFrom(value.value()).getValue().asReadOnlyByteBuffer());
      return node == null ? null : fromStruct(source, node, rejections);
    } catch (InvalidProtocolBufferException | FlatNodeReader.MalformedFlatBufferException e) {
      rejections.add(Rejection.MALFORMED_PEER_METADATA);
      return null;
    }
  }

  private static final String STRUCT = Struct.getDescriptor().getFullName();
  private static final String BYTES_VALUE = BytesValue.getDescriptor().getFullName();

  /**
   * What {@link Any#is} answers, without its reflective default-instance lookup, which cost more than
   * the rest of the decoding: the type URL ends with {@code /} and the message's full name.
   */
  static boolean holds(String url, String fullName) {
    int start = url.length() - fullName.length();
    return start > 0 && url.charAt(start - 1) == '/' && url.endsWith(fullName);
  }

  private static Struct struct(byte[] value, List<Rejection> rejections) {
    try {
      return Struct.parseFrom(value);
    } catch (InvalidProtocolBufferException e) {
      rejections.add(Rejection.MALFORMED_PEER_METADATA);
      return null;
    }
  }

  static PeerMetadata fromStruct(String source, Struct s, List<Rejection> rejections) {
    Map<String, String> labels = Structs.stringMap(Structs.struct(s, "labels"), rejections);
    if (labels.isEmpty()) {
      labels = Structs.stringMap(Structs.struct(s, "LABELS"), rejections);
    }
    String namespace = first(s, rejections, "namespace", "NAMESPACE");
    // Name the peer as an identity names the reporter (canonical name first), so that the key of an
    // inbound entry matches the key of the caller's own outbound entries.
    String workload = null;
    for (String label : IdentityParser.NAME_LABELS) {
      if (labels.containsKey(label)) {
        workload = labels.get(label);
        break;
      }
    }
    if (workload == null) {
      workload = first(s, rejections, "service", "app", "workload", "WORKLOAD_NAME");
    }
    if (namespace == null && workload == null) {
      return null;
    }
    return new PeerMetadata(source, namespace, workload, first(s, rejections, "name", "NAME"),
        serviceAccount(first(s, rejections, "identity", "SERVICE_ACCOUNT")),
        first(s, rejections, "cluster", "CLUSTER_ID"), labels);
  }

  /** {@code spiffe://td/ns/N/sa/SA} gives SA; a bare name is taken as it is. */
  static String serviceAccount(String identity) {
    if (identity == null) {
      return null;
    }
    int sa = identity.lastIndexOf("/sa/");
    return identity.startsWith("spiffe://") ? (sa > 0 ? identity.substring(sa + 4) : null) : identity;
  }

  private static String first(Struct s, List<Rejection> rejections, String... keys) {
    for (String k : keys) {
      String v = FieldValues.checked(Structs.string(s, k), rejections);
      if (v != null) {
        return v;
      }
    }
    return null;
  }
}
