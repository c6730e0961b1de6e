package io.meshscope.receiver.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import io.meshscope.client.simulate.Entries;
import io.meshscope.receiver.wire.RawEntry;
import io.meshscope.schemas.PeerMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PeerMetadataMemoTest {

  private static Any peer(String ns, String app) {
    return Any.pack(Entries.struct(Map.of("namespace", ns, "workload", app + "-v1", "app", app,
        "name", app + "-v1-abc", "cluster", "Kubernetes")));
  }

  @Test
  void aHitGivesWhatDecodingGivesAndIsCounted() throws Exception {
    PeerMetadataMemo memo = new PeerMetadataMemo(8);
    for (int round = 0; round < 3; round++) {
      for (String app : List.of("reviews", "ratings", "details")) {
        // A fresh Any each time, as every parsed entry has its own: the bytes decide, not the object.
        Any any = Any.parseFrom(peer("bookinfo", app).toByteString());
        List<Rejection> direct = new ArrayList<>();
        List<Rejection> memoized = new ArrayList<>();
        PeerMetadata expected = PeerMetadataDecoder.decode(peers("upstream_peer", any), true, direct, null);
        PeerMetadata actual = PeerMetadataDecoder.decode(peers("upstream_peer", any), true, memoized, memo);
        assertEquals(expected, actual);
        assertEquals(app, actual.workload());
        assertEquals(direct, memoized);
      }
    }
    assertEquals(3, memo.misses());
    assertEquals(6, memo.hits());
  }

  @Test
  void theSameBytesUnderAnotherKeyAreAnotherPeer() {
    PeerMetadataMemo memo = new PeerMetadataMemo(8);
    Any any = peer("bookinfo", "reviews");
    PeerMetadata up = PeerMetadataDecoder.decode(peers("upstream_peer", any), true, new ArrayList<>(), memo);
    PeerMetadata wasm = PeerMetadataDecoder.decode(peers("wasm.upstream_peer", any), true, new ArrayList<>(), memo);
    assertEquals("upstream_peer", up.source());
    assertEquals("wasm.upstream_peer", wasm.source());
  }

  @Test
  void rejectionsAreReportedOnEveryHit() {
    PeerMetadataMemo memo = new PeerMetadataMemo(8);
    Any corrupt = Any.newBuilder().setTypeUrl("type.googleapis.com/google.protobuf.Struct")
        .setValue(ByteString.copyFrom(new byte[] {0x0a, 0x7f, 0x01})).build();
    for (int i = 0; i < 3; i++) {
      List<Rejection> rejections = new ArrayList<>();
      assertNull(PeerMetadataDecoder.decode(peers("downstream_peer", corrupt), false, rejections, memo));
      assertEquals(List.of(Rejection.MALFORMED_PEER_METADATA), rejections);
    }
    assertEquals(2, memo.hits());
  }

  @Test
  void aLargeValueIsDecodedButNotKept() {
    PeerMetadataMemo memo = new PeerMetadataMemo(8);
    Any big = Any.pack(Entries.struct(Map.of("namespace", "ns", "app", "a",
        "padding", "x".repeat(PeerMetadataMemo.MAX_VALUE_BYTES))));
    for (int i = 0; i < 3; i++) {
      PeerMetadata p = PeerMetadataDecoder.decode(peers("upstream_peer", big), true, new ArrayList<>(), memo);
      assertEquals("a", p.workload());
    }
    assertEquals(0, memo.size());
    assertEquals(3, memo.misses());
  }

  @Test
  void theLeastRecentlyUsedGoesFirst() {
    PeerMetadataMemo memo = new PeerMetadataMemo(2);
    Any a = peer("ns", "a");
    Any b = peer("ns", "b");
    Any c = peer("ns", "c");
    for (Any any : List.of(a, b, a, c, a, b)) {
      PeerMetadataDecoder.decode(peers("upstream_peer", any), true, new ArrayList<>(), memo);
    }
    // a, b miss; a hits; c evicts b; a hits; b misses again.
    assertEquals(4, memo.misses());
    assertEquals(2, memo.hits());
    assertEquals(2, memo.size());
  }

  /** Filter state with one key, as an entry carries it. */
  private static RawEntry.PeerState peers(String key, Any value) {
    return RawEntry.PeerState.of(Map.of(key, value));
  }
}
