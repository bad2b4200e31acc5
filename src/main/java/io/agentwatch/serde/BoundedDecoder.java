package io.agentwatch.serde;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.Decoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.util.Utf8;

/**
 * A binary decoder that refuses any length or item count larger than the payload itself.
 *
 * <p>Why: Avro allocates a string, byte array, array or map at the size the payload claims
 * before reading its content, and accepts claims up to 2^31. A 10-byte record claiming a 2 GB
 * string would cost a 2 GB allocation, or an OutOfMemoryError that kills the stream thread,
 * instead of a dead-lettered record. A real string needs at least as many bytes as its length,
 * so this bound never refuses a well-formed payload. Limit: an array or map of more items than
 * the payload has bytes is refused even though zero-byte items (nulls, empty records) would
 * fit; none of our schemas has such items.
 */
final class BoundedDecoder extends Decoder {

    private final BinaryDecoder in;
    private final int limit;

    BoundedDecoder(byte[] payload, int offset, int length) {
        this.in = DecoderFactory.get().binaryDecoder(payload, offset, length, null);
        this.limit = length;
    }

    boolean isEnd() throws IOException {
        return in.isEnd();
    }

    @Override
    public Utf8 readString(Utf8 old) throws IOException {
        int length = checkedLength("string");
        Utf8 result = old != null ? old : new Utf8();
        result.setByteLength(length);
        in.readFixed(result.getBytes(), 0, length);
        return result;
    }

    @Override
    public String readString() throws IOException {
        byte[] bytes = new byte[checkedLength("string")];
        in.readFixed(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public ByteBuffer readBytes(ByteBuffer old) throws IOException {
        byte[] bytes = new byte[checkedLength("bytes")];
        in.readFixed(bytes);
        return ByteBuffer.wrap(bytes);
    }

    @Override
    public long readArrayStart() throws IOException {
        return checkedCount(in.readArrayStart(), "array");
    }

    @Override
    public long arrayNext() throws IOException {
        return checkedCount(in.arrayNext(), "array");
    }

    @Override
    public long readMapStart() throws IOException {
        return checkedCount(in.readMapStart(), "map");
    }

    @Override
    public long mapNext() throws IOException {
        return checkedCount(in.mapNext(), "map");
    }

    // Skipping allocates nothing, but a claimed count of zero-byte items would spin for long.

    @Override
    public long skipArray() throws IOException {
        return checkedCount(in.skipArray(), "array");
    }

    @Override
    public long skipMap() throws IOException {
        return checkedCount(in.skipMap(), "map");
    }

    private int checkedLength(String what) throws IOException {
        long length = in.readLong();
        if (length < 0 || length > limit) {
            throw new AvroRuntimeException(what + " length " + length + " does not fit in a payload of " + limit + " bytes");
        }
        return (int) length;
    }

    private long checkedCount(long count, String what) {
        if (count > limit) {
            throw new AvroRuntimeException(what + " of " + count + " items does not fit in a payload of " + limit + " bytes");
        }
        return count;
    }

    // Everything below allocates nothing from a claimed size: plain delegation.

    @Override
    public void readNull() throws IOException {
        in.readNull();
    }

    @Override
    public boolean readBoolean() throws IOException {
        return in.readBoolean();
    }

    @Override
    public int readInt() throws IOException {
        return in.readInt();
    }

    @Override
    public long readLong() throws IOException {
        return in.readLong();
    }

    @Override
    public float readFloat() throws IOException {
        return in.readFloat();
    }

    @Override
    public double readDouble() throws IOException {
        return in.readDouble();
    }

    @Override
    public void skipString() throws IOException {
        in.skipString();
    }

    @Override
    public void skipBytes() throws IOException {
        in.skipBytes();
    }

    @Override
    public void readFixed(byte[] bytes, int start, int length) throws IOException {
        in.readFixed(bytes, start, length);
    }

    @Override
    public void skipFixed(int length) throws IOException {
        in.skipFixed(length);
    }

    @Override
    public int readEnum() throws IOException {
        return in.readEnum();
    }

    @Override
    public int readIndex() throws IOException {
        return in.readIndex();
    }
}
