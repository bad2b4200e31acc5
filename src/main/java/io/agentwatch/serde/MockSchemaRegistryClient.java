package io.agentwatch.serde;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * In-memory registry for {@code mock://<scope>} URLs, used by unit tests and the in-process
 * demo. One instance per scope name per JVM, so a serializer and a deserializer configured
 * with the same URL see the same schemas, and tests that pick distinct scopes do not.
 *
 * <p>Ids are content-addressed like Apicurio's and Confluent's: the same schema text gets the
 * same id under every subject. Unlike a real registry it checks no compatibility (as if every
 * subject were set to NONE, Apicurio's default).
 */
public final class MockSchemaRegistryClient implements SchemaRegistryClient {

    private static final Map<String, MockSchemaRegistryClient> SCOPES = new ConcurrentHashMap<>();

    private final String scope;
    private final Map<String, Integer> idsBySchemaText = new HashMap<>();
    private final Map<Integer, Schema> schemasById = new HashMap<>();
    private final Map<String, List<Integer>> idsBySubject = new HashMap<>();
    /** Ids of schemas in another format than Avro, with that format's name. */
    private final Map<Integer, String> foreignFormatById = new HashMap<>();
    private int lastId;

    private MockSchemaRegistryClient(String scope) {
        this.scope = scope;
    }

    /** The registry of this scope, created empty on first use. */
    public static MockSchemaRegistryClient forScope(String scope) {
        return SCOPES.computeIfAbsent(scope, MockSchemaRegistryClient::new);
    }

    /** Forgets a scope, so that the next {@link #forScope} starts empty. */
    public static void dropScope(String scope) {
        SCOPES.remove(scope);
    }

    @Override
    public synchronized int register(String subject, Schema schema) {
        int id = idsBySchemaText.computeIfAbsent(schema.toString(), text -> {
            int next = ++lastId;
            schemasById.put(next, schema);
            return next;
        });
        List<Integer> versions = idsBySubject.computeIfAbsent(subject, s -> new ArrayList<>());
        if (!versions.contains(id)) {
            versions.add(id);
        }
        return id;
    }

    /**
     * Registers a schema in another format ({@code PROTOBUF}, {@code JSON}), as a real registry
     * holds them beside Avro ones, and returns its id; {@link #getById} refuses it as unsupported.
     */
    public synchronized int registerOtherFormat(String subject, String schemaType) {
        int id = ++lastId;
        foreignFormatById.put(id, schemaType);
        idsBySubject.computeIfAbsent(subject, s -> new ArrayList<>()).add(id);
        return id;
    }

    @Override
    public synchronized int getId(String subject, Schema schema) {
        Integer id = idsBySchemaText.get(schema.toString());
        if (id == null || !idsBySubject.getOrDefault(subject, List.of()).contains(id)) {
            throw new SchemaNotFoundException("Schema " + schema.getFullName() + " is not registered under subject '"
                    + subject + "' in mock://" + scope + " (set " + AvroSerdeConfig.AUTO_REGISTER_SCHEMAS
                    + "=true to register it when serializing, or register it beforehand)");
        }
        return id;
    }

    @Override
    public synchronized Schema getById(int id) {
        String otherFormat = foreignFormatById.get(id);
        if (otherFormat != null) {
            throw new UnsupportedSchemaException("Schema id " + id + " in mock://" + scope + " is a " + otherFormat
                    + " schema, not Avro", null);
        }
        Schema schema = schemasById.get(id);
        if (schema == null) {
            throw new SchemaNotFoundException("Schema id " + id + " is unknown to mock://" + scope);
        }
        return schema;
    }

    @Override
    public synchronized RegisteredSchema getLatest(String subject) {
        List<Integer> versions = idsBySubject.get(subject);
        if (versions == null) {
            throw new SchemaNotFoundException("Subject '" + subject + "' has no schema in mock://" + scope);
        }
        int id = versions.get(versions.size() - 1);
        return new RegisteredSchema(subject, versions.size(), id, schemasById.get(id));
    }
}
