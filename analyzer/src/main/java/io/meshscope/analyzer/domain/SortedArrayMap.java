package io.meshscope.analyzer.domain;

import java.util.AbstractCollection;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * An immutable map from strings, its keys kept sorted in an array. A workload's graph changes with
 * every observation, nearly always in one value (a count, a time): {@link #with} then copies only
 * the values array and shares the keys, where {@code Map.ofEntries} rehashed every entry (a fifth of
 * the analyzer's stream threads). Iteration follows key order, so states serialize the same way in
 * every JVM. Lookups scan cached hashes in a small map (a graph holds tens of hosts) and search
 * the sorted keys in a larger one (up to {@link GraphMerge.Limits#maxEdges}).
 */
public final class SortedArrayMap<V> extends AbstractMap<String, V> {

  private static final SortedArrayMap<?> EMPTY = new SortedArrayMap<>(new String[0], new int[0], new Object[0]);

  private final String[] keys;
  private final int[] hashes;
  private final Object[] values;

  private SortedArrayMap(String[] keys, int[] hashes, Object[] values) {
    this.keys = keys;
    this.hashes = hashes;
    this.values = values;
  }

  @SuppressWarnings("unchecked")
  public static <V> SortedArrayMap<V> of() {
    return (SortedArrayMap<V>) EMPTY;
  }

  /** {@code map} itself if it is one, else its entries sorted; null keys and values are refused. */
  @SuppressWarnings("unchecked")
  public static <V> SortedArrayMap<V> copyOf(Map<String, ? extends V> map) {
    if (map instanceof SortedArrayMap<?> same) {
      return (SortedArrayMap<V>) same;
    }
    if (map.isEmpty()) {
      return of();
    }
    String[] keys = map.keySet().toArray(new String[0]);
    for (String k : keys) {
      Objects.requireNonNull(k, "key");
    }
    Arrays.sort(keys);
    int[] hashes = new int[keys.length];
    Object[] values = new Object[keys.length];
    for (int i = 0; i < keys.length; i++) {
      hashes[i] = keys[i].hashCode();
      values[i] = Objects.requireNonNull(map.get(keys[i]), "value");
    }
    return new SortedArrayMap<>(keys, hashes, values);
  }

  /** This map with {@code key} set to {@code value}. */
  public SortedArrayMap<V> with(String key, V value) {
    Objects.requireNonNull(value, "value");
    int i = indexOf(key);
    if (i >= 0) {
      return withValueAt(i, value);
    }
    int at = -(Arrays.binarySearch(keys, key) + 1);
    int n = keys.length;
    String[] k = new String[n + 1];
    int[] h = new int[n + 1];
    Object[] v = new Object[n + 1];
    System.arraycopy(keys, 0, k, 0, at);
    System.arraycopy(hashes, 0, h, 0, at);
    System.arraycopy(values, 0, v, 0, at);
    k[at] = key;
    h[at] = key.hashCode();
    v[at] = value;
    System.arraycopy(keys, at, k, at + 1, n - at);
    System.arraycopy(hashes, at, h, at + 1, n - at);
    System.arraycopy(values, at, v, at + 1, n - at);
    return new SortedArrayMap<>(k, h, v);
  }

  /** This map with the value at {@code index} (from {@link #indexOf}) replaced by {@code value}. */
  public SortedArrayMap<V> withValueAt(int index, V value) {
    Objects.requireNonNull(value, "value");
    Object[] v = values.clone();
    v[index] = value;
    return new SortedArrayMap<>(keys, hashes, v);
  }

  /** The value at {@code index}, from {@link #indexOf}. */
  @SuppressWarnings("unchecked")
  public V valueAt(int index) {
    return (V) values[index];
  }

  /** Where {@code key} is, or -1. */
  public int indexOf(Object key) {
    if (!(key instanceof String s)) {
      return -1;
    }
    if (keys.length > 16) {
      // Past a few dozen hosts, halving beats scanning (and comparing key sets stays n log n).
      int i = Arrays.binarySearch(keys, s);
      return i >= 0 ? i : -1;
    }
    int h = s.hashCode();
    for (int i = 0; i < hashes.length; i++) {
      if (hashes[i] == h && keys[i].equals(s)) {
        return i;
      }
    }
    return -1;
  }

  @Override
  @SuppressWarnings("unchecked")
  public V get(Object key) {
    int i = indexOf(key);
    return i < 0 ? null : (V) values[i];
  }

  @Override
  public boolean containsKey(Object key) {
    return indexOf(key) >= 0;
  }

  @Override
  public int size() {
    return keys.length;
  }

  @Override
  public boolean isEmpty() {
    return keys.length == 0;
  }

  @Override
  public Collection<V> values() {
    return new AbstractCollection<>() {
      @Override
      public Iterator<V> iterator() {
        return new Cursor<>(keys.length) {
          @Override
          @SuppressWarnings("unchecked")
          V at(int i) {
            return (V) values[i];
          }
        };
      }

      @Override
      public int size() {
        return keys.length;
      }
    };
  }

  @Override
  public Set<Entry<String, V>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Entry<String, V>> iterator() {
        return new Cursor<>(keys.length) {
          @Override
          @SuppressWarnings("unchecked")
          Entry<String, V> at(int i) {
            return new SimpleImmutableEntry<>(keys[i], (V) values[i]);
          }
        };
      }

      @Override
      public int size() {
        return keys.length;
      }
    };
  }

  /** Read-only iteration over positions. */
  private abstract static class Cursor<T> implements Iterator<T> {
    private final int size;
    private int next;

    Cursor(int size) {
      this.size = size;
    }

    abstract T at(int i);

    @Override
    public boolean hasNext() {
      return next < size;
    }

    @Override
    public T next() {
      if (next >= size) {
        throw new NoSuchElementException();
      }
      return at(next++);
    }
  }
}
