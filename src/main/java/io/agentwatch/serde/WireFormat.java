package io.agentwatch.serde;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/** Confluent's framing: magic byte 0, the schema id as 4 big-endian bytes, then Avro binary. */
final class WireFormat {

    static final byte MAGIC_BYTE = 0;
    static final int HEADER_SIZE = 5;

    private WireFormat() {
    }

    static void writeHeader(ByteArrayOutputStream out, int schemaId) {
        out.write(MAGIC_BYTE);
        out.writeBytes(ByteBuffer.allocate(4).putInt(schemaId).array());
    }

    /** The schema id of a framed payload; refuses a payload that is not framed. */
    static int readSchemaId(String topic, byte[] payload) {
        if (payload.length == 0 || payload[0] != MAGIC_BYTE) {
            throw new AvroSerdeException(AvroSerdeException.Reason.BAD_MAGIC_BYTE, topic, -1, payload.length == 0
                    ? "empty payload, expected magic byte 0 and a schema id"
                    : String.format("first byte is 0x%02x, expected magic byte 0x00: not written by a"
                            + " schema-registry Avro serializer", payload[0]));
        }
        if (payload.length < HEADER_SIZE) {
            throw new AvroSerdeException(AvroSerdeException.Reason.CORRUPT_PAYLOAD, topic, -1,
                    "truncated: " + payload.length + " bytes, the header alone takes " + HEADER_SIZE);
        }
        return ByteBuffer.wrap(payload, 1, 4).getInt();
    }
}
