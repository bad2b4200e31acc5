package io.agentwatch.serde;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;

/** A registry answer that is neither retried nor an authentication failure. */
record RegistryResponse(URI uri, int status, String body) {

    private static final ObjectMapper JSON = new ObjectMapper();

    boolean isSuccess() {
        return status >= 200 && status < 300;
    }

    /** The JSON body of a successful answer. */
    JsonNode json() {
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new SchemaRegistryException("Schema registry at " + uri + " answered HTTP " + status
                    + " with a body that is not JSON: " + excerpt(), e);
        }
    }

    /** The registry's own explanation of an error, for our exception messages. */
    String errorMessage() {
        try {
            JsonNode node = JSON.readTree(body);
            if (node != null && node.hasNonNull("message")) {
                return node.get("message").asText() + " (error_code " + node.path("error_code").asText("none") + ")";
            }
        } catch (JsonProcessingException e) {
            // Not JSON (a proxy's HTML page, say): the raw text below is the best we have.
        }
        return excerpt();
    }

    private String excerpt() {
        String text = body == null ? "" : body.strip();
        return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }
}
