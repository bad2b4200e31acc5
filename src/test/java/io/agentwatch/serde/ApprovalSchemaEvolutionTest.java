package io.agentwatch.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentwatch.avro.Action;
import io.agentwatch.avro.Finding;
import io.agentwatch.avro.RevokeCommand;
import io.agentwatch.avro.RevokeScope;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Consumer;
import org.apache.avro.AvroTypeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

/**
 * Step-up approval added SUSPEND and RESUME to RevokeScope, REQUIRE_APPROVAL to Action and
 * decided_by to Finding, all additively: today's readers read every record the previous schemas
 * wrote (BACKWARD, what a registry checks by default), and the enums now carry defaults, so
 * today's readers also read a symbol a later release adds (it reads as the default). A reader
 * still on the previous schema reads today's records as long as they carry symbols it knows, and
 * fails on SUSPEND/RESUME/REQUIRE_APPROVAL, which is why step-up approval is off unless
 * response.approval.when is set: upgrade the brokers and finding consumers first.
 */
class ApprovalSchemaEvolutionTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** {@code schema} with every enum named {@code enumName} edited by {@code edit}, and field {@code drop} removed. */
    private static Schema edited(Schema schema, String enumName, Consumer<ObjectNode> edit, String drop) {
        try {
            JsonNode root = JSON.readTree(schema.toString());
            walk(root, enumName, edit);
            if (drop != null) {
                ((ArrayNode) root.get("fields")).removeIf(f -> f.get("name").asText().equals(drop));
            }
            return new Schema.Parser().parse(root.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void walk(JsonNode node, String enumName, Consumer<ObjectNode> edit) {
        if (node instanceof ObjectNode o && "enum".equals(o.path("type").asText()) && enumName.equals(o.path("name").asText())) {
            edit.accept(o);
        }
        node.forEach(child -> walk(child, enumName, edit));
    }

    /** As before this release: no SUSPEND/RESUME, no default. */
    private static final Schema PREVIOUS_COMMAND = edited(RevokeCommand.getClassSchema(), "RevokeScope", e -> {
        e.remove("default");
        ArrayNode symbols = (ArrayNode) e.get("symbols");
        symbols.removeIf(s -> s.asText().equals("SUSPEND") || s.asText().equals("RESUME"));
    }, null);

    /** As a later release might write it: one more scope. */
    private static final Schema FUTURE_COMMAND = edited(RevokeCommand.getClassSchema(), "RevokeScope",
            e -> ((ArrayNode) e.get("symbols")).add("QUARANTINE"), null);

    private static final Schema PREVIOUS_FINDING = edited(Finding.getClassSchema(), "Action", e -> {
        e.remove("default");
        ((ArrayNode) e.get("symbols")).removeIf(s -> s.asText().equals("REQUIRE_APPROVAL"));
    }, "decided_by");

    @Test
    void shouldReadEveryRecordThePreviousSchemasWrote() {
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(RevokeCommand.getClassSchema(), PREVIOUS_COMMAND)
                .getType()).isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(Finding.getClassSchema(), PREVIOUS_FINDING)
                .getType()).isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }

    @Test
    void shouldReadAScopeALaterReleaseAddsAsTheDefault() throws IOException {
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(RevokeCommand.getClassSchema(), FUTURE_COMMAND)
                .getType()).isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        assertThat(RevokeCommand.getClassSchema().getField("scope").schema().getEnumDefault()).isEqualTo("TOKEN");
        assertThat(Finding.getClassSchema().getField("action").schema().getEnumDefault()).isEqualTo("ALERT");

        // a record of the later schema with the new scope reads as TOKEN: the listed tokens, never nothing
        GenericRecord future = read(write(RevokeCommand.getClassSchema(), SampleRecords.revokeCommand()),
                RevokeCommand.getClassSchema(), FUTURE_COMMAND);
        future.put("scope", new org.apache.avro.generic.GenericData.EnumSymbol(
                FUTURE_COMMAND.getField("scope").schema(), "QUARANTINE"));
        RevokeCommand read = read(write(FUTURE_COMMAND, future), FUTURE_COMMAND, RevokeCommand.getClassSchema());
        assertThat(read.getScope()).isEqualTo(RevokeScope.TOKEN);
    }

    @Test
    void shouldBeReadByThePreviousSchemaUntilItCarriesANewSymbol() throws IOException {
        // a revoke reads with the previous schema, whose readers are the brokers of the last release
        RevokeCommand revoke = SampleRecords.revokeCommand();
        GenericRecord old = read(write(RevokeCommand.getClassSchema(), revoke), RevokeCommand.getClassSchema(),
                PREVIOUS_COMMAND);
        assertThat(old.get("scope").toString()).isEqualTo(revoke.getScope().name());

        // a suspension does not: those brokers must be upgraded before step-up approval is turned on
        RevokeCommand suspend = RevokeCommand.newBuilder(revoke).setScope(RevokeScope.SUSPEND).build();
        byte[] bytes = write(RevokeCommand.getClassSchema(), suspend);
        assertThatThrownBy(() -> read(bytes, RevokeCommand.getClassSchema(), PREVIOUS_COMMAND))
                .isInstanceOf(AvroTypeException.class).hasMessageContaining("SUSPEND");
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(PREVIOUS_FINDING, Finding.getClassSchema())
                .getType()).isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
        assertThat(Finding.getClassSchema().getField("decided_by").defaultVal())
                .isEqualTo(org.apache.avro.JsonProperties.NULL_VALUE);
        assertThat(Action.valueOf("REQUIRE_APPROVAL").ordinal()).as("appended, not inserted")
                .isEqualTo(Action.values().length - 1);
    }

    private static byte[] write(Schema schema, Object record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<Object>(schema).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    @SuppressWarnings("unchecked")
    private static <T> T read(byte[] bytes, Schema writer, Schema reader) throws IOException {
        org.apache.avro.io.DatumReader<Object> datumReader = reader.equals(RevokeCommand.getClassSchema())
                ? new SpecificDatumReader<>(writer, reader) : new GenericDatumReader<>(writer, reader);
        return (T) datumReader.read(null, DecoderFactory.get().binaryDecoder(bytes, null));
    }
}
