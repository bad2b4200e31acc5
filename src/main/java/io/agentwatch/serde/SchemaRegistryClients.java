package io.agentwatch.serde;

/** Chooses the registry client for a configuration, by the scheme of its URLs. */
public final class SchemaRegistryClients {

    private SchemaRegistryClients() {
    }

    /**
     * A {@link MockSchemaRegistryClient} for {@code mock://<scope>}, otherwise an
     * {@link HttpSchemaRegistryClient} over the http(s) URLs (the config's validation has
     * already refused mixed or unknown schemes).
     */
    public static SchemaRegistryClient create(AvroSerdeConfig config) {
        String first = config.registryUrls().get(0);
        if (first.startsWith(AvroSerdeConfig.MOCK_SCHEME)) {
            return MockSchemaRegistryClient.forScope(first.substring(AvroSerdeConfig.MOCK_SCHEME.length()));
        }
        return new HttpSchemaRegistryClient(config);
    }
}
