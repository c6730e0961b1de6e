package io.meshscope.receiver.grpc;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Open streams per client, capped. A client is the identity its transport authenticated (the
 * certificate's or the receiver's sidecar's {@code x-forwarded-client-cert} SPIFFE ID), else its IP
 * address: behind a sidecar every connection comes from the sidecar's address, so the IP would
 * lump every proxy together. Envoy keeps a handful of ALS streams per proxy (one per worker thread
 * and log), far below the cap.
 */
final class StreamsPerClient {

  private final int max;
  private final ConcurrentHashMap<String, AtomicInteger> open = new ConcurrentHashMap<>();

  StreamsPerClient(int max) {
    this.max = max;
  }

  /** Counts a new stream of {@code client}; false, counting nothing, when it already has the most. */
  boolean tryOpen(String client) {
    boolean[] taken = {false};
    open.compute(client, (k, n) -> {
      AtomicInteger count = n == null ? new AtomicInteger() : n;
      if (count.get() < max) {
        count.incrementAndGet();
        taken[0] = true;
      }
      return count;
    });
    return taken[0];
  }

  void close(String client) {
    open.computeIfPresent(client, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
  }

  int open(String client) {
    AtomicInteger n = open.get(client);
    return n == null ? 0 : n.get();
  }

  int clients() {
    return open.size();
  }
}
