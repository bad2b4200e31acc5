package io.agentwatch.serde;

import org.apache.avro.Schema;

/** One version of a subject, as the registry lists it. */
public record RegisteredSchema(String subject, int version, int id, Schema schema) {
}
