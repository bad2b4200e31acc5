package io.agentwatch.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.kafka.common.config.ConfigException;

/**
 * Client of the Confluent Schema Registry REST API (also served by Apicurio Registry under
 * {@code /apis/ccompat/v7}). Ids and schemas never change once registered, so both directions
 * are cached for the life of the client; only {@link #getLatest} always asks.
 *
 * <p>Limit: schema references (a schema importing types registered under other subjects) are
 * not resolved; such a schema fails to parse and is reported as unsupported.
 */
public final class HttpSchemaRegistryClient implements SchemaRegistryClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final RegistryTransport transport;
    private final Map<SubjectSchema, Integer> idsBySubjectSchema = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();

    public HttpSchemaRegistryClient(AvroSerdeConfig config) {
        this.transport = new RegistryTransport(baseUrls(config.registryUrls()), config.authorizationHeader(),
                config.retryPolicy(), config.connectTimeout(), config.readTimeout(), config.tls());
    }

    @Override
    public int register(String subject, Schema schema) {
        return idFor(subject, schema, "/versions", "");
    }

    @Override
    public int getId(String subject, Schema schema) {
        return idFor(subject, schema, "", " (set " + AvroSerdeConfig.AUTO_REGISTER_SCHEMAS
                + "=true to register it when serializing, or register it beforehand)");
    }

    @Override
    public Schema getById(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        RegistryResponse response = transport.get("/schemas/ids/" + id);
        if (response.status() == 404) {
            throw new SchemaNotFoundException("Schema id " + id + " is unknown to the registry at "
                    + response.uri() + ": " + response.errorMessage());
        }
        JsonNode body = successBody(response, "fetch schema id " + id);
        Schema schema = parse(body, id, response.uri());
        schemasById.putIfAbsent(id, schema);
        return schema;
    }

    @Override
    public RegisteredSchema getLatest(String subject) {
        RegistryResponse response = transport.get("/subjects/" + encode(subject) + "/versions/latest");
        if (response.status() == 404) {
            throw new SchemaNotFoundException("Subject '" + subject + "' has no schema in the registry at "
                    + response.uri() + ": " + response.errorMessage());
        }
        JsonNode body = successBody(response, "fetch the latest schema of subject '" + subject + "'");
        int id = requiredInt(body, "id", response);
        Schema schema = parse(body, id, response.uri());
        schemasById.putIfAbsent(id, schema);
        return new RegisteredSchema(subject, requiredInt(body, "version", response), id, schema);
    }

    /**
     * Registers ({@code /subjects/S/versions}) or looks up ({@code /subjects/S}) a schema; the
     * two calls take the same body and answer with the id.
     */
    private int idFor(String subject, Schema schema, String pathSuffix, String notFoundAdvice) {
        SubjectSchema key = new SubjectSchema(subject, schema.toString());
        Integer cached = idsBySubjectSchema.get(key);
        if (cached != null) {
            return cached;
        }
        ObjectNode request = JSON.createObjectNode().put("schema", key.schema());
        RegistryResponse response = transport.post("/subjects/" + encode(subject) + pathSuffix, request.toString());
        if (response.status() == 409) {
            throw new IncompatibleSchemaException("Schema " + schema.getFullName() + " is incompatible with the"
                    + " versions already registered under subject '" + subject + "', given the subject's"
                    + " compatibility setting (GET /config/" + subject + " shows it). Make the change"
                    + " compatible (e.g. add new fields with a default, keep fields that have no default),"
                    + " or, for an intended break, use a new topic or change the subject's compatibility"
                    + " (PUT /config/" + subject + "). Registry at " + response.uri() + " said: "
                    + response.errorMessage());
        }
        if (response.status() == 404) {
            throw new SchemaNotFoundException("Schema " + schema.getFullName() + " is not registered under subject '"
                    + subject + "' at " + response.uri() + notFoundAdvice + ": " + response.errorMessage());
        }
        int id = requiredInt(successBody(response, "register schema " + schema.getFullName()
                + " under subject '" + subject + "'"), "id", response);
        idsBySubjectSchema.put(key, id);
        schemasById.putIfAbsent(id, schema);
        return id;
    }

    private static JsonNode successBody(RegistryResponse response, String action) {
        if (!response.isSuccess()) {
            throw new SchemaRegistryException("Schema registry at " + response.uri() + " refused to " + action
                    + ": HTTP " + response.status() + ": " + response.errorMessage());
        }
        return response.json();
    }

    private static int requiredInt(JsonNode body, String field, RegistryResponse response) {
        JsonNode value = body.get(field);
        if (value == null || !value.canConvertToInt()) {
            throw new SchemaRegistryException("Schema registry at " + response.uri() + " answered without a numeric '"
                    + field + "': " + body);
        }
        return value.intValue();
    }

    private static Schema parse(JsonNode body, int id, URI uri) {
        String type = body.path("schemaType").asText("AVRO");
        if (!"AVRO".equals(type)) {
            throw new UnsupportedSchemaException("Schema id " + id + " at " + uri + " is a " + type
                    + " schema, not Avro", null);
        }
        try {
            // A fresh parser per schema: a parser remembers named types and would refuse the
            // same record name in a second schema.
            return new Schema.Parser().parse(body.path("schema").asText());
        } catch (SchemaParseException e) {
            throw new UnsupportedSchemaException("Schema id " + id + " at " + uri
                    + " does not parse as a self-contained Avro schema: " + e.getMessage(), e);
        }
    }

    private static List<URI> baseUrls(List<String> urls) {
        return urls.stream().map(HttpSchemaRegistryClient::withoutUserInfo).toList();
    }

    /** Credentials in the URL become the Authorization header (see AvroSerdeConfig), not part of the path. */
    private static URI withoutUserInfo(String url) {
        try {
            URI uri = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
            return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), null, null);
        } catch (IllegalArgumentException | URISyntaxException e) {
            throw new ConfigException(AvroSerdeConfig.SCHEMA_REGISTRY_URL, url, "not a valid URL: " + e.getMessage());
        }
    }

    private static String encode(String subject) {
        // URLEncoder encodes for forms; a path segment needs %20, not +.
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private record SubjectSchema(String subject, String schema) {
    }
}
