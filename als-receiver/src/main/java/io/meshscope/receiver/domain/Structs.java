package io.meshscope.receiver.domain;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Reading untrusted {@code google.protobuf.Struct} metadata: wrong types read as absent. */
final class Structs {
  private Structs() {}

  static String string(Struct struct, String key) {
    Value v = struct.getFieldsMap().get(key);
    if (v == null || v.getKindCase() != Value.KindCase.STRING_VALUE || v.getStringValue().isEmpty()) {
      return null;
    }
    return v.getStringValue();
  }

  static Struct struct(Struct struct, String key) {
    Value v = struct.getFieldsMap().get(key);
    return v != null && v.getKindCase() == Value.KindCase.STRUCT_VALUE ? v.getStructValue() : null;
  }

  /**
   * The string entries of a nested struct (labels), each checked; entries that fail are left out
   * and counted.
   */
  static Map<String, String> stringMap(Struct struct, List<Rejection> rejections) {
    return stringMap(struct, null, rejections);
  }

  /**
   * As {@link #stringMap(Struct, List)}, only {@code keys} (all when null): a pod's other
   * annotations (kubectl's last-applied configuration, for one) can be long, and are neither read
   * nor counted as rejections.
   */
  static Map<String, String> stringMap(Struct struct, java.util.Set<String> keys, List<Rejection> rejections) {
    Map<String, String> out = new TreeMap<>();
    if (struct == null) {
      return out;
    }
    for (Map.Entry<String, Value> e : struct.getFieldsMap().entrySet()) {
      if (e.getValue().getKindCase() != Value.KindCase.STRING_VALUE || keys != null && !keys.contains(e.getKey())) {
        continue;
      }
      String key = FieldValues.checked(e.getKey(), 317, Rejection.FIELD_TOO_LONG, rejections);
      String value = FieldValues.checked(e.getValue().getStringValue(), 63 * 4, Rejection.FIELD_TOO_LONG, rejections);
      if (key != null && value != null) {
        out.put(key, value);
      }
    }
    return out;
  }
}
