package io.meshscope.receiver.grpc;

import io.envoyproxy.envoy.service.accesslog.v3.StreamAccessLogsResponse;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.meshscope.receiver.domain.CallerKey;
import io.meshscope.receiver.domain.EntryNormalizer;
import io.meshscope.receiver.domain.FieldValues;
import io.meshscope.receiver.domain.IdentityBinding;
import io.meshscope.receiver.domain.IdentityParser;
import io.meshscope.receiver.domain.PeerMetadataMemo;
import io.meshscope.receiver.domain.Rejection;
import io.meshscope.receiver.domain.StreamIdentity;
import io.meshscope.receiver.metrics.ReceiverMetrics;
import io.meshscope.receiver.sink.RecordSink;
import io.meshscope.receiver.wire.RawEntry;
import io.meshscope.receiver.wire.WireDecoder;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Envoy ALS stream. Envoy sends the proxy's identity only in the first message, so it is kept
 * here and applied to every later entry. gRPC calls an observer from one thread at a time; only
 * {@link #resume} runs on Kafka's callback thread, and it only asks gRPC for the next message.
 */
final class AccessLogStream implements StreamObserver<AccessLogService.Incoming> {

  private static final Logger log = LoggerFactory.getLogger(AccessLogStream.class);
  /** Per worker thread, so the memo needs no lock and its size is bounded by the thread count. */
  private static final ThreadLocal<PeerMetadataMemo> PEERS = ThreadLocal.withInitial(() -> new PeerMetadataMemo(4096));

  private final long id;
  private final String peer;
  private final ServerCallStreamObserver<StreamAccessLogsResponse> call;
  private final RecordSink sink;
  private final InflightBudget budget;
  private final ReceiverMetrics metrics;
  private final Clock clock;
  /** Null when identities are not checked against the transport's. */
  private final IdentityBinding binding;
  private final String authenticated;
  private StreamIdentity identity;
  private long entries;
  private boolean closed;
  /** gRPC calls the observer methods one at a time; the slow-message guard is another thread. */
  private final java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();

  AccessLogStream(long id, String peer, ServerCallStreamObserver<StreamAccessLogsResponse> call, RecordSink sink,
      InflightBudget budget, ReceiverMetrics metrics, Clock clock, IdentityBinding binding, String authenticated) {
    this.id = id;
    this.binding = binding;
    this.authenticated = authenticated;
    this.peer = peer;
    this.call = call;
    this.sink = sink;
    this.budget = budget;
    this.metrics = metrics;
    this.clock = clock;
  }

  @Override
  public void onNext(AccessLogService.Incoming incoming) {
    lock.lock();
    try {
      onNextLocked(incoming);
    } finally {
      lock.unlock();
    }
  }

  private void onNextLocked(AccessLogService.Incoming incoming) {
    if (incoming.tooLarge()) {
      // Closed with RESOURCE_EXHAUSTED, as gRPC closes an oversized message that was not
      // compressed: the service's stream tracer counts and logs both the same way.
      end();
      call.onError(Status.RESOURCE_EXHAUSTED.withDescription(incoming.malformed()).asRuntimeException());
      return;
    }
    if (incoming.malformed() != null) {
      metrics.rejected(Rejection.MALFORMED_PROTOBUF);
      log.warn("stream {} from {}: refused a malformed StreamAccessLogsMessage after {} entries: {}", id, peer,
          entries, FieldValues.forLog(incoming.malformed()));
      end();
      call.onError(Status.INVALID_ARGUMENT
          .withDescription("malformed StreamAccessLogsMessage: " + incoming.malformed()).asRuntimeException());
      return;
    }
    WireDecoder.Batch batch = incoming.batch();
    if (identity == null) {
      identity = batch.identifier() != null ? IdentityParser.parse(batch.identifier()) : StreamIdentity.NONE;
      metrics.rejected(identity.known() ? identity.rejections() : List.of());
      if (binding != null && identity.known()) {
        IdentityBinding.Verdict verdict = binding.bind(identity, authenticated);
        if (verdict.mismatch() != null) {
          log.warn("stream {} from {}: identity {} refused, {}; its entries are forwarded flagged, keyed {}", id, peer,
              identity.reporter().workload().key(), verdict.mismatch(), CallerKey.UNKNOWN);
          identity = verdict.identity();
        }
      }
      if (identity.known()) {
        log.info("stream {} from {}: {} {} ({})", id, peer, identity.reporter().role(),
            identity.reporter().workload().key(), identity.logName());
      } else if (!identity.rejections().contains(Rejection.IDENTITY_MISMATCH)) {
        log.warn("stream {} from {}: {}; its entries are forwarded flagged, keyed {}", id, peer,
            batch.identifier() != null ? "identity refused (node id '" + FieldValues.forLog(
                batch.identifier().getNode().getId()) + "')" : "first message carries no identifier",
            CallerKey.UNKNOWN);
      }
    }
    if (batch.protocol() == WireDecoder.Protocol.NONE) {
      metrics.rejected(Rejection.EMPTY_MESSAGE);
      log.debug("stream {}: message without entries", id);
    } else {
      Instant now = clock.instant();
      PeerMetadataMemo peers = PEERS.get();
      int count = batch.entries().size();
      metrics.received(batch.protocol().name(), count);
      budget.take(count);
      for (RawEntry e : batch.entries()) {
        forward(EntryNormalizer.normalize(e, identity, now, peers));
      }
      entries += count;
    }
    metrics.inflight(budget.inflight());
    budget.whenRoom(this::resume);
  }

  private void forward(EntryNormalizer.Normalized n) {
    metrics.rejected(n.rejections());
    sink.send(n.key(), n.record(), () -> budget.release(1));
  }

  private void resume() {
    // After the stream ended there is nothing to request; gRPC would ignore it, but say why here.
    if (!call.isCancelled()) {
      call.request(1);
    }
  }

  @Override
  public void onError(Throwable t) {
    lock.lock();
    try {
      onErrorLocked(t);
    } finally {
      lock.unlock();
    }
  }

  private void onErrorLocked(Throwable t) {
    end();
    Status status = Status.fromThrowable(t);
    if (status.getCode() == Status.Code.CANCELLED) {
      // Envoy cancels its stream on shutdown and on config change: a normal end.
      log.debug("stream {} from {} cancelled after {} entries", id, peer, entries);
    } else {
      log.warn("stream {} from {} ended with {} after {} entries", id, peer, status, entries);
    }
  }

  @Override
  public void onCompleted() {
    lock.lock();
    try {
      onCompletedLocked();
    } finally {
      lock.unlock();
    }
  }

  private void onCompletedLocked() {
    end();
    log.debug("stream {} from {} completed after {} entries", id, peer, entries);
    call.onNext(StreamAccessLogsResponse.getDefaultInstance());
    call.onCompleted();
  }

  /**
   * Closes the stream for a message too slow to arrive ({@link SlowMessageGuard}), from the guard's
   * thread. A stream busy with a message is not stuck in one: if it holds the lock, it is skipped.
   */
  void closeSlow(Status status) {
    if (lock.tryLock()) {
      try {
        if (!closed) {
          log.warn("stream {} from {}: closed after {} entries, {}", id, peer, entries, status.getDescription());
          end();
          call.onError(status.asRuntimeException());
        }
      } finally {
        lock.unlock();
      }
    }
  }

  private void end() {
    if (!closed) {
      closed = true;
      metrics.streamClosed();
    }
  }
}
