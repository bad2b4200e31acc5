package io.agentwatch.serde;

import org.apache.avro.Schema;

/**
 * The part of the Confluent Schema Registry API that the serde needs. Implementations cache
 * what never changes (id to schema, subject and schema to id) and are safe to share between
 * threads.
 */
public interface SchemaRegistryClient {

    /**
     * Registers {@code schema} under {@code subject} (a no-op when it is already there) and
     * returns its id.
     *
     * @throws IncompatibleSchemaException when the subject's compatibility setting refuses it
     */
    int register(String subject, Schema schema);

    /**
     * Returns the id of {@code schema} already registered under {@code subject}, without
     * registering it.
     *
     * @throws SchemaNotFoundException when the subject does not hold this schema
     */
    int getId(String subject, Schema schema);

    /**
     * Returns the schema with this id.
     *
     * @throws SchemaNotFoundException when the registry knows no such id
     * @throws UnsupportedSchemaException when the id names a schema that is not Avro
     */
    Schema getById(int id);

    /**
     * Returns the newest version registered under {@code subject}; never cached, since it
     * changes.
     *
     * @throws SchemaNotFoundException when the subject has no version
     */
    RegisteredSchema getLatest(String subject);
}
