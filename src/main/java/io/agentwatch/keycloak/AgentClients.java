package io.agentwatch.keycloak;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import io.agentwatch.topology.InputRules;

/**
 * Which Keycloak clients are agents, and who they are: clientId → agent id (a SPIFFE id), one to
 * one, so that a revoke command for an agent names exactly one client. From a file:
 *
 * <pre>{@code
 * clients:
 *   billing-bot:
 *     agent_id: spiffe://corp.example/agents/billing-bot
 *     boundaries: [corp, billing]      # optional: the trust boundaries its tokens allow
 * }</pre>
 *
 * and, for clients not in it, an optional template such as
 * {@code spiffe://corp.example/agents/{client_id}}.
 */
public final class AgentClients {
    static final String CLIENT_ID_PLACEHOLDER = "{client_id}";

    /** One agent client: its agent id and, when the file says, the boundaries its tokens allow (null: any). */
    public record AgentClient(String clientId, String agentId, List<String> boundaries) {
    }

    private final Map<String, AgentClient> byClientId;
    private final Map<String, String> clientIdByAgent;
    private final String templatePrefix;
    private final String templateSuffix;
    private final String excluded;

    /**
     * @param excluded a clientId that is never an agent, whatever the template: the bridge's own
     */
    AgentClients(Map<String, AgentClient> listed, String template, String excluded) {
        this.excluded = excluded;
        this.byClientId = Map.copyOf(listed);
        this.clientIdByAgent = new HashMap<>();
        for (AgentClient c : listed.values()) {
            String previous = clientIdByAgent.put(c.agentId(), c.clientId());
            if (previous != null) {
                throw new IllegalArgumentException("clients " + previous + " and " + c.clientId() + " are both mapped to "
                        + c.agentId() + ": give each Keycloak client its own agent id");
            }
        }
        if (template == null || template.isBlank()) {
            templatePrefix = null;
            templateSuffix = null;
        } else {
            int at = template.indexOf(CLIENT_ID_PLACEHOLDER);
            if (at < 0 || template.indexOf(CLIENT_ID_PLACEHOLDER, at + 1) >= 0) {
                throw new IllegalArgumentException("keycloak.agent.id.template '" + template + "' must contain "
                        + CLIENT_ID_PLACEHOLDER + " exactly once, e.g. spiffe://corp.example/agents/" + CLIENT_ID_PLACEHOLDER);
            }
            templatePrefix = template.substring(0, at);
            templateSuffix = template.substring(at + CLIENT_ID_PLACEHOLDER.length());
            requireSpiffe(templatePrefix + "x" + templateSuffix, "keycloak.agent.id.template");
        }
    }

    /**
     * @param file the clients file (YAML or JSON), or null/blank for none
     * @param template the agent id template for clients not in the file, or blank for none
     * @param bridgeClientId the bridge's own client, never an agent (its logins are events too)
     * @throws IllegalArgumentException saying what is wrong with the file or template
     */
    public static AgentClients load(String file, String template, String bridgeClientId) {
        Map<String, AgentClient> listed = new LinkedHashMap<>();
        if (file != null && !file.isBlank()) {
            listed.putAll(read(Path.of(file)));
        }
        if (listed.isEmpty() && (template == null || template.isBlank())) {
            throw new IllegalArgumentException("no Keycloak client is mapped to an agent: set keycloak.clients.file "
                    + "and/or keycloak.agent.id.template");
        }
        if (listed.containsKey(bridgeClientId)) {
            throw new IllegalArgumentException("keycloak.clients.file maps " + bridgeClientId + ", the bridge's own client "
                    + "(keycloak.admin.client.id), to an agent: the bridge must not revoke its own tokens");
        }
        return new AgentClients(listed, template, bridgeClientId);
    }

    /** The agent client of a Keycloak clientId, or empty when that client is not an agent. */
    public Optional<AgentClient> byClientId(String clientId) {
        if (clientId == null || clientId.equals(excluded)) {
            return Optional.empty();
        }
        AgentClient listed = byClientId.get(clientId);
        if (listed != null) {
            return Optional.of(listed);
        }
        if (templatePrefix == null) {
            return Optional.empty();
        }
        String agentId = templatePrefix + clientId + templateSuffix;
        // A client named in the file under another agent id must not be reachable a second way; a
        // clientId that makes no valid SPIFFE id would only be dead-lettered by agentwatch.
        return clientIdByAgent.containsKey(agentId) || !InputRules.SPIFFE_ID.matcher(agentId).matches()
                ? Optional.empty()
                : Optional.of(new AgentClient(clientId, agentId, null));
    }

    /** The Keycloak clientId of an agent, or empty when the agent is not one of this realm's clients. */
    public Optional<String> clientIdOf(String agentId) {
        String listed = clientIdByAgent.get(agentId);
        if (listed != null) {
            return Optional.of(listed);
        }
        if (templatePrefix == null || agentId == null || !agentId.startsWith(templatePrefix) || !agentId.endsWith(templateSuffix)
                || agentId.length() <= templatePrefix.length() + templateSuffix.length()) {
            return Optional.empty();
        }
        String clientId = agentId.substring(templatePrefix.length(), agentId.length() - templateSuffix.length());
        return byClientId(clientId).filter(c -> c.agentId().equals(agentId)).map(AgentClient::clientId);
    }

    private static Map<String, AgentClient> read(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read keycloak.clients.file " + file + ": " + e.getMessage(), e);
        }
        JsonNode clients = root == null ? null : root.get("clients");
        if (clients == null || !clients.isObject()) {
            throw new IllegalArgumentException("keycloak.clients.file " + file
                    + " has no 'clients:' map (clientId: {agent_id: spiffe://...})");
        }
        Map<String, AgentClient> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = clients.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String where = "keycloak.clients.file " + file + ", client " + e.getKey();
            JsonNode agentId = e.getValue().get("agent_id");
            if (agentId == null || !agentId.isTextual()) {
                throw new IllegalArgumentException(where + ": agent_id is missing");
            }
            requireSpiffe(agentId.asText(), where);
            List<String> boundaries = null;
            JsonNode b = e.getValue().get("boundaries");
            if (b != null && !b.isNull()) {
                if (!b.isArray()) {
                    throw new IllegalArgumentException(where + ": boundaries must be a list, e.g. [corp, billing]");
                }
                boundaries = new ArrayList<>();
                for (JsonNode one : b) {
                    boundaries.add(one.asText());
                }
                boundaries = List.copyOf(boundaries);
            }
            out.put(e.getKey(), new AgentClient(e.getKey(), agentId.asText(), boundaries));
        }
        return out;
    }

    private static void requireSpiffe(String agentId, String where) {
        if (!InputRules.SPIFFE_ID.matcher(agentId).matches()) {
            throw new IllegalArgumentException(where + ": '" + agentId
                    + "' is not a SPIFFE id (spiffe://trust-domain/path), which agentwatch requires of agent ids");
        }
    }
}
