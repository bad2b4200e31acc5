package io.agentwatch.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Builds wire-format payloads the way another producer would, independently of the serde under
 * test, so that tests can check the serde's bytes and feed it foreign ones.
 */
public final class WireBytes {

    private WireBytes() {
    }

    public static byte[] frame(int schemaId, byte[] avroBinary) {
        return ByteBuffer.allocate(5 + avroBinary.length).put((byte) 0).putInt(schemaId).put(avroBinary).array();
    }

    /** Generated records are written with their class's conversions (Instant), others as plain generic data. */
    @SuppressWarnings("unchecked")
    public static byte[] avroBinary(GenericRecord record) {
        GenericData model = record instanceof SpecificRecord ? SpecificData.getForClass(record.getClass()) : GenericData.get();
        DatumWriter<GenericRecord> writer = (DatumWriter<GenericRecord>) model.createDatumWriter(record.getSchema());
        return write(out -> writer.write(record, out));
    }

    /** The Avro binary form of one long (zig-zag varint), e.g. a string's claimed length. */
    public static byte[] avroLong(long value) {
        return write(out -> out.writeLong(value));
    }

    public static byte[] concat(byte[] first, byte[] second) {
        byte[] result = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, result, first.length, second.length);
        return result;
    }

    private interface Body {
        void writeTo(BinaryEncoder encoder) throws IOException;
    }

    private static byte[] write(Body body) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        try {
            body.writeTo(encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
