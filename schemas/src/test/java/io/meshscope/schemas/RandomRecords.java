package io.meshscope.schemas;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Access records with random content, for the tests of every codec of the access-log topic: the
 * receiver's writer and the analyzer's reader both compare themselves with Jackson on these.
 */
public final class RandomRecords {
  private RandomRecords() {}

  private static final String[] ALPHABET = {"a", "Z", "9", "-", ".", "/", ":", "|", "\"", "\\", "\n", "\u0000",
      "\u001f", "\u007f", "\u0085", "é", "€", "\u2028", "😀", "<", "&", " "};

  /** A record with every field drawn at random, texts full of characters JSON must escape. */
  public static AccessRecord accessRecord(Random random, Reporter reporter) {
    return new AccessRecord(
        AccessRecord.CURRENT_VERSION,
        Instant.ofEpochSecond(random.nextLong(0, 4_000_000_000L), random.nextBoolean() ? 0 : random.nextInt(1_000_000_000)),
        Instant.ofEpochSecond(random.nextLong(0, 4_000_000_000L), random.nextInt(3) * 1_000_000),
        reporter,
        maybe(random),
        random.nextBoolean() ? "HTTP" : text(random, 1, 8),
        maybe(random),
        random.nextInt(4) == 0 ? null : new UpstreamCluster(text(random, 0, 40), text(random, 1, 10),
            random.nextBoolean() ? null : random.nextInt(65536), maybe(random), maybe(random)),
        maybe(random),
        maybe(random),
        maybe(random),
        maybe(random),
        random.nextInt(4) == 0 ? null : new HttpRequest(maybe(random), maybe(random), maybe(random), maybe(random)),
        random.nextBoolean() ? null : random.nextInt(-5, 1000),
        maybe(random),
        list(random),
        random.nextLong(0, Long.MAX_VALUE),
        random.nextInt(10_000),
        random.nextBoolean() ? null : random.nextLong(0, Long.MAX_VALUE),
        maybe(random),
        list(random),
        maybe(random),
        peer(random),
        peer(random),
        list(random));
  }

  public static Reporter reporter(Random random) {
    return new Reporter(text(random, 1, 10), maybe(random),
        WorkloadRef.of(text(random, 1, 12), text(random, 1, 12), map(random)), maybe(random), list(random),
        map(random), maybe(random), maybe(random), maybe(random), map(random));
  }

  public static PeerMetadata peer(Random random) {
    return random.nextInt(3) == 0 ? null : new PeerMetadata(text(random, 1, 20), maybe(random), maybe(random),
        maybe(random), maybe(random), maybe(random), random.nextInt(5) == 0 ? null : map(random));
  }

  private static Map<String, String> map(Random random) {
    Map<String, String> m = new TreeMap<>(); // null values allowed, as in the records' own maps
    for (int i = random.nextInt(5); i > 0; i--) {
      m.put(text(random, 0, 12), random.nextInt(8) == 0 ? null : text(random, 0, 20));
    }
    return m;
  }

  private static List<String> list(Random random) {
    List<String> l = new ArrayList<>();
    for (int i = random.nextInt(4); i > 0; i--) {
      l.add(text(random, 0, 30));
    }
    return l;
  }

  private static String maybe(Random random) {
    return random.nextInt(3) == 0 ? null : text(random, 0, 60);
  }

  private static String text(Random random, int min, int max) {
    StringBuilder s = new StringBuilder(min > 0 ? "x" : "");
    for (int i = random.nextInt(min, max + 1); i > 0; i--) {
      s.append(random.nextInt(3) == 0 ? ALPHABET[random.nextInt(ALPHABET.length)] : (char) ('a' + random.nextInt(26)));
    }
    return s.toString();
  }
}
