package io.meshscope.receiver.domain;

import io.meshscope.kit.ByteHash;
import io.meshscope.receiver.wire.RawEntry;
import io.meshscope.schemas.PeerMetadata;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Remembers what recent peer-metadata values decoded to. A proxy talks to a handful of peers, so
 * the same bytes arrive entry after entry, and parsing them (a Struct with nested labels, or a
 * FlatBuffer) was the largest part of normalizing an inbound entry. Bounded (least recently used
 * goes first) in entries and in bytes: a value larger than {@link #MAX_VALUE_BYTES} (Istio's peer
 * metadata is a few hundred) is decoded every time, never kept, so a proxy sending large distinct
 * values cannot fill the heap. Not thread-safe: one per thread. The rejections found when a value
 * was decoded are reported again on every hit, so counts stay per entry.
 */
public final class PeerMetadataMemo {

  static final int MAX_VALUE_BYTES = 4096;

  /**
   * Hashed a word at a time ({@link ByteHash}): the values are a few hundred bytes, and looked up
   * once per entry. Comparable, so that values forged to share a hash make a tree in their bucket, not a list.
   */
  private static final class Key implements Comparable<Key> {
    private final String source;
    private final String typeUrl;
    private final byte[] value;
    private final int hash;

    Key(String source, String typeUrl, byte[] value) {
      this.source = source;
      this.typeUrl = typeUrl;
      this.value = value;
      this.hash = (source.hashCode() * 31 + typeUrl.hashCode()) * 31 + ByteHash.of(value, 0, value.length);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && hash == k.hash && Arrays.equals(value, k.value) && typeUrl.equals(k.typeUrl)
          && source.equals(k.source);
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public int compareTo(Key o) {
      int c = Arrays.compare(value, o.value);
      if (c == 0) {
        c = typeUrl.compareTo(o.typeUrl);
      }
      return c != 0 ? c : source.compareTo(o.source);
    }
  }

  private record Decoded(PeerMetadata peer, List<Rejection> rejections) {}

  private final Map<Key, Decoded> decoded;
  private long hits;
  private long misses;

  public PeerMetadataMemo(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
    }
    this.decoded = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Key, Decoded> eldest) {
        return size() > capacity;
      }
    };
  }

  PeerMetadata decode(String source, RawEntry.FilterValue value, List<Rejection> rejections) {
    if (value.value().length > MAX_VALUE_BYTES) {
      misses++;
      return PeerMetadataDecoder.decode(source, value, rejections);
    }
    Key key = new Key(source, value.typeUrl(), value.value());
    Decoded d = decoded.get(key);
    if (d == null) {
      misses++;
      List<Rejection> found = new ArrayList<>(0);
      d = new Decoded(PeerMetadataDecoder.decode(source, value, found), List.copyOf(found));
      decoded.put(key, d);
    } else {
      hits++;
    }
    rejections.addAll(d.rejections());
    return d.peer();
  }

  public long hits() {
    return hits;
  }

  public long misses() {
    return misses;
  }

  public int size() {
    return decoded.size();
  }
}
