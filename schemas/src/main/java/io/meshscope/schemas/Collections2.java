package io.meshscope.schemas;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/** Defensive, null-tolerant copies for record components: absent in JSON means empty. */
final class Collections2 {
  private Collections2() {}

  static <T> List<T> list(List<T> in) {
    return in == null ? List.of() : List.copyOf(in);
  }

  /** Sorted so that what a record writes is byte-identical for the same content. */
  static SortedMap<String, String> sortedMap(Map<String, String> in) {
    return in == null ? Collections.emptySortedMap()
        : Collections.unmodifiableSortedMap(new TreeMap<>(in));
  }

  static <T extends Comparable<T>> SortedSet<T> sortedSet(Collection<T> in) {
    return in == null ? Collections.emptySortedSet()
        : Collections.unmodifiableSortedSet(new TreeSet<>(in));
  }

  static <T> T require(T value, String what) {
    if (value == null) {
      throw new IllegalArgumentException(what + " is required");
    }
    return value;
  }

  static String requireText(String value, String what) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(what + " is required and must not be blank");
    }
    return value;
  }

  static int requireVersion(int version, String type) {
    if (version < 1) {
      throw new IllegalArgumentException(type + ".schemaVersion must be 1 or more, was " + version);
    }
    return version;
  }
}
