package io.meshscope.receiver.wire;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads the few fields meshscope needs from Istio's pre-1.24 peer metadata, a FlatBuffer with root
 * table {@code Wasm.Common.FlatNode} (istio/proxy {@code extensions/common/node_info.fbs}: 0 name,
 * 1 namespace, 2 labels [KeyVal{key, value}], 4 workload_name, 9 cluster_id). The bytes come from
 * the network, so every offset is bounds-checked; a buffer that does not hold together is an error,
 * never an exception from deep inside a parser.
 */
public final class FlatNodeReader {

  public static final class MalformedFlatBufferException extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedFlatBufferException(String message) {
      super(message);
    }
  }

  private static final int NAME = 0;
  private static final int NAMESPACE = 1;
  private static final int LABELS = 2;
  private static final int WORKLOAD_NAME = 4;
  private static final int CLUSTER_ID = 9;
  private static final int MAX_LABELS = 64;

  private final ByteBuffer buf;

  private FlatNodeReader(ByteBuffer buf) {
    this.buf = buf.slice().order(ByteOrder.LITTLE_ENDIAN);
  }

  /** The node as a Struct with the Istio 1.24+ key names, or null for an empty buffer. */
  public static Struct read(ByteBuffer bytes) throws MalformedFlatBufferException {
    if (!bytes.hasRemaining()) {
      return null;
    }
    FlatNodeReader r = new FlatNodeReader(bytes);
    int root = r.uoffsetTarget(0);
    Struct.Builder out = Struct.newBuilder();
    r.putString(out, "name", root, NAME);
    r.putString(out, "namespace", root, NAMESPACE);
    r.putString(out, "workload", root, WORKLOAD_NAME);
    r.putString(out, "cluster", root, CLUSTER_ID);
    int labels = r.field(root, LABELS);
    if (labels != 0) {
      int vector = r.uoffsetTarget(labels);
      int length = r.u32(vector);
      if (length > MAX_LABELS) {
        throw new MalformedFlatBufferException("FlatNode has " + length + " labels, more than " + MAX_LABELS);
      }
      Struct.Builder labelStruct = Struct.newBuilder();
      for (int i = 0; i < length; i++) {
        int kv = r.uoffsetTarget(vector + 4 + 4 * i);
        String key = r.string(kv, 0);
        String value = r.string(kv, 1);
        if (key != null && value != null) {
          labelStruct.putFields(key, Value.newBuilder().setStringValue(value).build());
        }
      }
      out.putFields("labels", Value.newBuilder().setStructValue(labelStruct).build());
    }
    return out.build();
  }

  private void putString(Struct.Builder out, String key, int table, int field) throws MalformedFlatBufferException {
    String value = string(table, field);
    if (value != null) {
      out.putFields(key, Value.newBuilder().setStringValue(value).build());
    }
  }

  /** Position of a table's field, or 0 when absent. */
  private int field(int table, int index) throws MalformedFlatBufferException {
    int vtable = table - i32(table);
    int vtableSize = u16(vtable);
    int slot = 4 + 2 * index;
    if (slot + 2 > vtableSize) {
      return 0;
    }
    int offset = u16(vtable + slot);
    if (offset == 0) {
      return 0;
    }
    check(table + offset, 4);
    return table + offset;
  }

  private String string(int table, int index) throws MalformedFlatBufferException {
    int pos = field(table, index);
    if (pos == 0) {
      return null;
    }
    int start = uoffsetTarget(pos);
    int length = u32(start);
    if (length > 4096) {
      throw new MalformedFlatBufferException("FlatNode string of " + length + " bytes");
    }
    check(start + 4, length);
    ByteBuffer slice = buf.duplicate().position(start + 4).limit(start + 4 + length);
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(slice).toString();
    } catch (CharacterCodingException e) {
      throw new MalformedFlatBufferException("FlatNode string is not UTF-8");
    }
  }

  private int uoffsetTarget(int pos) throws MalformedFlatBufferException {
    long target = (long) pos + u32(pos);
    if (target >= buf.limit()) {
      throw new MalformedFlatBufferException("FlatNode offset " + target + " outside " + buf.limit() + " bytes");
    }
    return (int) target;
  }

  private int u32(int pos) throws MalformedFlatBufferException {
    check(pos, 4);
    int v = buf.getInt(pos);
    if (v < 0) {
      throw new MalformedFlatBufferException("FlatNode offset out of range at " + pos);
    }
    return v;
  }

  private int i32(int pos) throws MalformedFlatBufferException {
    check(pos, 4);
    int v = buf.getInt(pos);
    long vtable = (long) pos - v;
    if (vtable < 0 || vtable + 4 > buf.limit()) {
      throw new MalformedFlatBufferException("FlatNode vtable outside the buffer");
    }
    return v;
  }

  private int u16(int pos) throws MalformedFlatBufferException {
    check(pos, 2);
    return Short.toUnsignedInt(buf.getShort(pos));
  }

  private void check(long pos, long length) throws MalformedFlatBufferException {
    if (pos < 0 || length < 0 || pos + length > buf.limit()) {
      throw new MalformedFlatBufferException("FlatNode reads past its " + buf.limit() + " bytes");
    }
  }
}
