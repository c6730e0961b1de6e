package io.meshscope.receiver.grpc;

import io.envoyproxy.envoy.service.accesslog.v3.AccessLogServiceGrpc;
import io.envoyproxy.envoy.service.accesslog.v3.StreamAccessLogsResponse;
import io.grpc.BindableService;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.KnownLength;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.meshscope.receiver.domain.FieldValues;
import io.meshscope.receiver.domain.IdentityBinding;
import io.meshscope.receiver.domain.Rejection;
import io.meshscope.receiver.metrics.ReceiverMetrics;
import io.meshscope.receiver.sink.RecordSink;
import io.meshscope.receiver.wire.WireDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketAddress;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code envoy.service.accesslog.v3.AccessLogService/StreamAccessLogs}: the gRPC face of the
 * receiver. Each stream gets its own {@link AccessLogStream}; flow control is manual, so a stream
 * reads its next message only when Kafka has room.
 */
public final class AccessLogService implements BindableService {

  private static final Logger log = LoggerFactory.getLogger(AccessLogService.class);
  private static final Context.Key<String> PEER = Context.key("meshscope-peer");
  /** The URI SAN the transport authenticated; absent when binding is off, "" when it authenticated none. */
  private static final Context.Key<String> AUTHENTICATED = Context.key("meshscope-authenticated");
  private static final Metadata.Key<String> FORWARDED_CLIENT_CERT =
      Metadata.Key.of("x-forwarded-client-cert", Metadata.ASCII_STRING_MARSHALLER);

  /**
   * Where a stream's authenticated identity comes from: nowhere (binding off), the client
   * certificate (mTLS), or the receiver's own sidecar's {@code x-forwarded-client-cert} header.
   */
  public record PeerIdentity(Source source, IdentityBinding binding) {
    public enum Source { NONE, CLIENT_CERTIFICATE, FORWARDED_CLIENT_CERT }

    public static final PeerIdentity OFF = new PeerIdentity(Source.NONE, null);
  }

  private final RecordSink sink;
  private final InflightBudget budget;
  private final ReceiverMetrics metrics;
  private final Clock clock;
  private final PeerIdentity peerIdentity;
  private final AtomicLong streamIds = new AtomicLong();
  private final SlowMessageGuard guard;
  private final StreamsPerClient perClient;
  private final int maxStreamsPerClient;
  private final AtomicLong refusedStreams = new AtomicLong();

  public AccessLogService(RecordSink sink, InflightBudget budget, ReceiverMetrics metrics, Clock clock) {
    this(sink, budget, metrics, clock, PeerIdentity.OFF);
  }

  public AccessLogService(RecordSink sink, InflightBudget budget, ReceiverMetrics metrics, Clock clock,
      PeerIdentity peerIdentity) {
    this(sink, budget, metrics, clock, peerIdentity, StreamLimits.DEFAULTS);
  }

  /** @param limits what one client may make the receiver hold */
  public AccessLogService(RecordSink sink, InflightBudget budget, ReceiverMetrics metrics, Clock clock,
      PeerIdentity peerIdentity, StreamLimits limits) {
    this.sink = sink;
    this.budget = budget;
    this.metrics = metrics;
    this.clock = clock;
    this.peerIdentity = peerIdentity;
    this.guard = new SlowMessageGuard(limits.messageTimeout(), budget, this::streamClosed);
    this.perClient = new StreamsPerClient(limits.maxStreamsPerClient());
    this.maxStreamsPerClient = limits.maxStreamsPerClient();
  }

  /** Stops the slow-message timer. */
  public void close() {
    guard.close();
  }

  @Override
  public ServerServiceDefinition bindService() {
    // Envoy's method, with a request marshaller that hands a parse failure to the stream instead
    // of throwing: thrown from a marshaller, it would reach Envoy as UNKNOWN with no reason.
    MethodDescriptor<Incoming, StreamAccessLogsResponse> method =
        AccessLogServiceGrpc.getStreamAccessLogsMethod().toBuilder(
            new TolerantMarshaller(),
            ProtoUtils.marshaller(StreamAccessLogsResponse.getDefaultInstance())).build();
    ServerServiceDefinition definition = ServerServiceDefinition.builder(AccessLogServiceGrpc.SERVICE_NAME)
        .addMethod(method, ServerCalls.asyncClientStreamingCall(this::streamAccessLogs))
        .build();
    return ServerInterceptors.intercept(definition, new PeerInterceptor(peerIdentity.source(), this));
  }

  /**
   * Times each stream's messages ({@link SlowMessageGuard}), and counts streams closed for a message
   * over the size limit (gRPC closes those itself) or too slow to arrive.
   */
  public ServerStreamTracer.Factory streamTracer() {
    return new ServerStreamTracer.Factory() {
      @Override
      public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
        return guard.watch(fullMethodName, headers);
      }
    };
  }

  private void refused(String client) {
    metrics.rejected(Rejection.TOO_MANY_STREAMS);
    long n = refusedStreams.incrementAndGet();
    if (n % 1_000 == 1) {
      log.warn("refused a stream from {}: it has {} open, the most one client may ({} refused so far)",
          FieldValues.forLog(client), perClient.open(client), n);
    }
  }

  private void streamClosed(Status status, SlowMessageGuard.Closed by) {
    if (by == SlowMessageGuard.Closed.SLOW) {
      metrics.rejected(Rejection.SLOW_MESSAGE);
      log.warn("closed a stream whose message was still incomplete: {}", status.getDescription());
    } else if (by == SlowMessageGuard.Closed.OTHERWISE && status.getCode() == Status.Code.RESOURCE_EXHAUSTED) {
      metrics.rejected(Rejection.MESSAGE_TOO_LARGE);
      log.warn("closed a stream for an oversized message: {}", status.getDescription());
    }
  }

  private StreamObserver<Incoming> streamAccessLogs(StreamObserver<StreamAccessLogsResponse> response) {
    ServerCallStreamObserver<StreamAccessLogsResponse> call = (ServerCallStreamObserver<StreamAccessLogsResponse>) response;
    call.disableAutoRequest();
    long id = streamIds.incrementAndGet();
    metrics.streamOpened();
    String authenticated = AUTHENTICATED.get();
    AccessLogStream stream = new AccessLogStream(id, PEER.get() == null ? "unknown" : PEER.get(), call, sink, budget,
        metrics, clock, peerIdentity.binding(), authenticated == null || authenticated.isEmpty() ? null : authenticated);
    SlowMessageGuard.Watch watch = SlowMessageGuard.WATCH.get();
    if (watch != null) {
      watch.attach(stream::closeSlow);
    }
    call.request(1);
    return stream;
  }

  private static final class PeerInterceptor implements ServerInterceptor {
    private final PeerIdentity.Source source;
    private final AccessLogService service;

    PeerInterceptor(PeerIdentity.Source source, AccessLogService service) {
      this.source = source;
      this.service = service;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
        ServerCallHandler<Q, R> next) {
      SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
      Context ctx = Context.current().withValue(PEER, remote == null ? "in-process" : remote.toString());
      String authenticated = switch (source) {
        case NONE -> null;
        case CLIENT_CERTIFICATE -> certificateUri(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
        case FORWARDED_CLIENT_CERT -> forwardedUri(headers);
      };
      if (source != PeerIdentity.Source.NONE) {
        ctx = ctx.withValue(AUTHENTICATED, authenticated == null ? "" : authenticated);
      }
      String client = authenticated != null && !authenticated.isEmpty() ? authenticated : host(remote);
      if (!service.perClient.tryOpen(client)) {
        SlowMessageGuard.Watch watch = SlowMessageGuard.WATCH.get();
        if (watch != null) {
          watch.refused();
        }
        service.refused(client);
        call.close(Status.RESOURCE_EXHAUSTED.withDescription("more than " + service.maxStreamsPerClient
            + " open streams from this client"), new Metadata());
        return new ServerCall.Listener<>() { };
      }
      ServerCall.Listener<Q> listener;
      try {
        listener = Contexts.interceptCall(ctx, call, headers, next);
      } catch (RuntimeException e) {
        service.perClient.close(client);
        throw e;
      }
      java.util.concurrent.atomic.AtomicBoolean counted = new java.util.concurrent.atomic.AtomicBoolean(true);
      Runnable release = () -> {
        if (counted.getAndSet(false)) {
          service.perClient.close(client);
        }
      };
      return new io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
        @Override
        public void onComplete() {
          release.run();
          super.onComplete();
        }

        @Override
        public void onCancel() {
          release.run();
          super.onCancel();
        }
      };
    }

    /** The address without its port: a client's connections come from many ports. */
    private static String host(SocketAddress remote) {
      if (remote instanceof java.net.InetSocketAddress inet) {
        return inet.getAddress() != null ? inet.getAddress().getHostAddress() : inet.getHostString();
      }
      return remote == null ? "in-process" : remote.toString();
    }

    /** The SPIFFE URI SAN of the client's leaf certificate; null without one, or with several. */
    private static String certificateUri(SSLSession session) {
      if (session == null) {
        return null;
      }
      try {
        Certificate[] chain = session.getPeerCertificates();
        if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)
            || leaf.getSubjectAlternativeNames() == null) {
          return null;
        }
        List<String> uris = new ArrayList<>();
        for (List<?> san : leaf.getSubjectAlternativeNames()) {
          if (san.size() == 2 && Integer.valueOf(URI_SAN).equals(san.get(0)) && san.get(1) instanceof String uri
              && uri.startsWith("spiffe://")) {
            uris.add(uri);
          }
        }
        // Istio issues one; a certificate with several names no single workload.
        return uris.size() == 1 ? uris.get(0) : null;
      } catch (SSLPeerUnverifiedException | CertificateParsingException e) {
        return null;
      }
    }

    /** The last element's URI: header values joined, as Envoy would read repeated headers. */
    private static String forwardedUri(Metadata headers) {
      Iterable<String> values = headers.getAll(FORWARDED_CLIENT_CERT);
      return values == null ? null : IdentityBinding.fromForwardedClientCert(String.join(",", values));
    }
  }

  /** {@code uniformResourceIdentifier} in {@link X509Certificate#getSubjectAlternativeNames()}. */
  private static final int URI_SAN = 6;

  /** A message as it came off the wire: decoded, or the reason it does not decode. */
  record Incoming(WireDecoder.Batch batch, String malformed, boolean tooLarge) {
    Incoming(WireDecoder.Batch batch, String malformed) {
      this(batch, malformed, false);
    }
  }

  /**
   * Reads the message's bytes and decodes only what the normalizer needs (see {@link WireDecoder}).
   * A decoding failure becomes an {@link Incoming} with its reason instead of an exception.
   */
  private static final class TolerantMarshaller implements MethodDescriptor.Marshaller<Incoming> {
    /** Up to this size a worker thread reuses its buffer; decoding copies every value out of it. */
    private static final int REUSED_BUFFER_BYTES = 1 << 20;
    private static final ThreadLocal<byte[]> BUFFERS = ThreadLocal.withInitial(() -> new byte[64 * 1024]);

    @Override
    public InputStream stream(Incoming value) {
      // Only a client serializes requests, and the receiver's clients use Envoy's generated stubs.
      throw new UnsupportedOperationException("the receiver does not send StreamAccessLogsMessages");
    }

    @Override
    public Incoming parse(InputStream stream) {
      try {
        byte[] bytes;
        int length;
        if (stream instanceof KnownLength) {
          length = stream.available();
          bytes = length <= REUSED_BUFFER_BYTES ? buffer(length) : new byte[length];
          if (stream.readNBytes(bytes, 0, length) != length) {
            return new Incoming(null, "message ended before its announced length");
          }
        } else {
          bytes = stream.readAllBytes();
          length = bytes.length;
        }
        return new Incoming(WireDecoder.decode(bytes, 0, length), null);
      } catch (StatusRuntimeException e) {
        // A compressed message is unpacked while it is read here, and gRPC stops at the size limit
        // with RESOURCE_EXHAUSTED: a compression bomb is a message too large, not a malformed one.
        return new Incoming(null, String.valueOf(e.getMessage()),
            e.getStatus().getCode() == Status.Code.RESOURCE_EXHAUSTED);
      } catch (IOException | RuntimeException e) {
        return new Incoming(null, String.valueOf(e.getMessage()));
      }
    }

    private static byte[] buffer(int length) {
      byte[] b = BUFFERS.get();
      if (b.length < length) {
        b = new byte[Math.max(length, Math.min(REUSED_BUFFER_BYTES, b.length * 2))];
        BUFFERS.set(b);
      }
      return b;
    }
  }
}
