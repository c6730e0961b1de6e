package io.meshscope.client.simulate;

import io.envoyproxy.envoy.data.accesslog.v3.HTTPAccessLogEntry;
import io.envoyproxy.envoy.data.accesslog.v3.TCPAccessLogEntry;
import io.envoyproxy.envoy.service.accesslog.v3.AccessLogServiceGrpc;
import io.envoyproxy.envoy.service.accesslog.v3.StreamAccessLogsMessage;
import io.envoyproxy.envoy.service.accesslog.v3.StreamAccessLogsResponse;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One ALS stream as Envoy's gRPC access logger opens it: the identifier goes in the first message
 * only, entries are buffered and flushed when the buffer is full or the flush interval passed
 * ({@code buffer_flush_interval}, 1 s by default), and the stream waits for gRPC flow control (a
 * slow receiver slows the client, as HTTP/2 windows slow Envoy).
 *
 * <p>Messages go on the wire as bytes, so a load generator can serialize its messages once and
 * send them many times ({@link #sendSerialized}): Envoy serializes in C++, and a benchmark should
 * not charge the receiver's CPU with the simulator's protobuf encoding.
 */
public final class EnvoyAlsClient implements AutoCloseable {

  /** StreamAccessLogs with the request as its serialized bytes; the same method on the wire. */
  private static final MethodDescriptor<byte[], StreamAccessLogsResponse> RAW_METHOD =
      AccessLogServiceGrpc.getStreamAccessLogsMethod().toBuilder(new BytesMarshaller(),
          AccessLogServiceGrpc.getStreamAccessLogsMethod().getResponseMarshaller()).build();

  private final StreamObserver<byte[]> requests;
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private final StreamAccessLogsMessage.Identifier identifier;
  private final int batchSize;
  private final long flushIntervalNanos;
  private final Object readyLock = new Object();
  private ClientCallStreamObserver<byte[]> call;
  private boolean identitySent;
  private final List<HTTPAccessLogEntry> http = new ArrayList<>();
  private final List<TCPAccessLogEntry> tcp = new ArrayList<>();
  private long lastFlush = System.nanoTime();
  private long messagesSent;

  /** @param identifier sent in the first message; null to imitate a client that sends none */
  public EnvoyAlsClient(Channel channel, StreamAccessLogsMessage.Identifier identifier, int batchSize,
      long flushIntervalMillis) {
    this.identifier = identifier;
    this.batchSize = batchSize;
    this.flushIntervalNanos = TimeUnit.MILLISECONDS.toNanos(flushIntervalMillis);
    this.requests = ClientCalls.asyncBidiStreamingCall(channel.newCall(RAW_METHOD, CallOptions.DEFAULT),
        new ClientResponseObserver<byte[], StreamAccessLogsResponse>() {
          @Override
          public void beforeStart(ClientCallStreamObserver<byte[]> requestStream) {
            call = requestStream;
            requestStream.setOnReadyHandler(() -> {
              synchronized (readyLock) {
                readyLock.notifyAll();
              }
            });
          }

          @Override
          public void onNext(StreamAccessLogsResponse value) {}

          @Override
          public void onError(Throwable t) {
            done.completeExceptionally(t);
            synchronized (readyLock) {
              readyLock.notifyAll();
            }
          }

          @Override
          public void onCompleted() {
            done.complete(null);
          }
        });
  }

  public void log(HTTPAccessLogEntry entry) throws InterruptedException {
    http.add(entry);
    maybeFlush();
  }

  public void log(TCPAccessLogEntry entry) throws InterruptedException {
    tcp.add(entry);
    maybeFlush();
  }

  private void maybeFlush() throws InterruptedException {
    if (http.size() + tcp.size() >= batchSize || System.nanoTime() - lastFlush >= flushIntervalNanos) {
      flush();
    }
  }

  /** Sends what is buffered, waiting while gRPC says the stream is not ready. */
  public void flush() throws InterruptedException {
    lastFlush = System.nanoTime();
    if (!http.isEmpty()) {
      StreamAccessLogsMessage.Builder m = start();
      m.getHttpLogsBuilder().addAllLogEntry(http);
      send(m.build());
      http.clear();
    }
    if (!tcp.isEmpty()) {
      // Envoy keeps HTTP and TCP on separate streams; a simulator may mix them, the receiver copes.
      StreamAccessLogsMessage.Builder m = start();
      m.getTcpLogsBuilder().addAllLogEntry(tcp);
      send(m.build());
      tcp.clear();
    }
  }

  private StreamAccessLogsMessage.Builder start() {
    StreamAccessLogsMessage.Builder m = StreamAccessLogsMessage.newBuilder();
    if (!identitySent && identifier != null) {
      m.setIdentifier(identifier);
    }
    identitySent = true;
    return m;
  }

  /** Sends a captured message as it is (replay): its identifier, if any, goes with it. */
  public void sendAsIs(StreamAccessLogsMessage message) throws InterruptedException {
    identitySent = true;
    send(message);
  }

  /** Sends a serialized StreamAccessLogsMessage as it is; the caller answers for the identity. */
  public void sendSerialized(byte[] message) throws InterruptedException {
    identitySent = true;
    sendBytes(message);
  }

  private void send(StreamAccessLogsMessage message) throws InterruptedException {
    sendBytes(message.toByteArray());
  }

  private void sendBytes(byte[] message) throws InterruptedException {
    synchronized (readyLock) {
      while (!call.isReady() && !done.isDone()) {
        readyLock.wait(100);
      }
    }
    if (done.isCompletedExceptionally()) {
      done.join(); // rethrows why the stream ended
    }
    requests.onNext(message);
    messagesSent++;
  }

  public long messagesSent() {
    return messagesSent;
  }

  /** Flushes, half-closes, and waits for the receiver to complete the stream. */
  @Override
  public void close() throws InterruptedException {
    flush();
    requests.onCompleted();
    try {
      done.get(60, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("ALS stream did not complete cleanly: " + e.getMessage(), e);
    }
  }

  /** Messages as their bytes, for sending what a protobuf marshaller would not (tests send junk too). */
  public static MethodDescriptor.Marshaller<byte[]> bytesMarshaller() {
    return new BytesMarshaller();
  }

  private static final class BytesMarshaller implements MethodDescriptor.Marshaller<byte[]> {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
