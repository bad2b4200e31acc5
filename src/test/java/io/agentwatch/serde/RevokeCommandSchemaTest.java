package io.agentwatch.serde;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentwatch.avro.RevokeCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

/**
 * key_id and nonce were added to RevokeCommand with defaults: commands of the previous schema
 * still decode with this one (BACKWARD), and a broker still on the previous schema still decodes
 * today's commands (FORWARD), so the registry accepts the change under FULL compatibility.
 */
class RevokeCommandSchemaTest {
    static final Set<String> ADDED_FIELDS = Set.of("key_id", "nonce");

    /** The RevokeCommand schema before signing: today's without the added fields. */
    static Schema previous() {
        try {
            ObjectNode schema = (ObjectNode) new ObjectMapper().readTree(RevokeCommand.getClassSchema().toString());
            ((ArrayNode) schema.get("fields")).removeIf(f -> ADDED_FIELDS.contains(f.get("name").asText()));
            return new Schema.Parser().parse(schema.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void shouldReadCommandsOfThePreviousSchemaAndBeReadByIt() {
        Schema current = RevokeCommand.getClassSchema();

        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(current, previous()).getType())
                .as("today's reader, previous writer").isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(previous(), current).getType())
                .as("previous reader, today's writer").isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        assertThat(current.getFields()).filteredOn(f -> ADDED_FIELDS.contains(f.name()))
                .allSatisfy(f -> assertThat(f.defaultVal()).isEqualTo(org.apache.avro.JsonProperties.NULL_VALUE));
    }

    @Test
    void shouldRoundTripBetweenThePreviousAndTodaysSchema() throws IOException {
        // given today's signed command
        RevokeCommand signed = io.agentwatch.respond.CommandSigner.with(io.agentwatch.trust.SigningKey.generate())
                .sign(SampleRecords.revokeCommand());

        // when a broker on the previous schema reads it, and writes it back in that schema
        GenericRecord asPrevious = read(write(RevokeCommand.getClassSchema(), signed), RevokeCommand.getClassSchema(),
                previous());
        RevokeCommand back = read(write(previous(), asPrevious), previous(), RevokeCommand.getClassSchema());

        // then every field survives but the two it does not know, which come back as null: unsigned
        assertThat(asPrevious.get("command_id").toString()).isEqualTo(signed.getCommandId());
        assertThat(back.getKeyId()).isNull();
        assertThat(back.getNonce()).isNull();
        assertThat(back.getTokenIds()).isEqualTo(signed.getTokenIds());
        assertThat(back.getExpiresAt()).isEqualTo(signed.getExpiresAt());
    }

    private static byte[] write(Schema schema, Object record) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        org.apache.avro.io.BinaryEncoder encoder = org.apache.avro.io.EncoderFactory.get().binaryEncoder(out, null);
        new org.apache.avro.specific.SpecificDatumWriter<Object>(schema).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    @SuppressWarnings("unchecked")
    private static <T> T read(byte[] bytes, Schema writer, Schema reader) throws IOException {
        org.apache.avro.io.DatumReader<Object> datumReader = reader.equals(RevokeCommand.getClassSchema())
                ? new org.apache.avro.specific.SpecificDatumReader<>(writer, reader)
                : new org.apache.avro.generic.GenericDatumReader<>(writer, reader);
        return (T) datumReader.read(null, org.apache.avro.io.DecoderFactory.get().binaryDecoder(bytes, null));
    }
}
