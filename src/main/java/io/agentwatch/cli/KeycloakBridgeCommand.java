package io.agentwatch.cli;

import io.agentwatch.config.AgentwatchConfig;
import io.agentwatch.keycloak.AgentClients;
import io.agentwatch.keycloak.BridgeMetrics;
import io.agentwatch.keycloak.BridgeSettings;
import io.agentwatch.keycloak.CommandVerifier;
import io.agentwatch.keycloak.KeycloakBridge;
import io.agentwatch.topology.RegistrySerdes;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs the Keycloak bridge until SIGTERM/Ctrl-C (exit 0 after a clean stop). Kafka failures a
 * retry cannot mend (fenced by another bridge of the same id, authorization) exit 1; calls to
 * Keycloak that fail are retried, and do not end it.
 */
@Command(name = "keycloak-bridge", mixinStandardHelpOptions = true,
        description = {"Bridge a Keycloak realm and agentwatch: publish the realm's token issuances and revocations "
                + "(TokenIssued / TokenRevoked, keyed by agent id) and make Keycloak reject the tokens named by "
                + "agentwatch's revoke commands.",
            "Settings: keycloak.*, kafka.*, topic.* and schema.registry.* from the config file and AGENTWATCH_* "
                + "environment variables (README, \"Keycloak bridge\"). /metrics on http.bind:http.port."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:Stopped by SIGTERM/Ctrl-C.",
            "1:Kafka or Keycloak unreachable at start, fenced by another bridge of the same id, or not authorized.",
            "2:Bad or missing settings (keycloak.*, the clients file)."})
public final class KeycloakBridgeCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(KeycloakBridgeCommand.class);

    @Option(names = "--config", paramLabel = "FILE", description = "Config file (properties).")
    Path config;

    @Option(names = "--http-port", paramLabel = "N", description = "Port of /metrics (overrides http.port; 0 = any free port).")
    Integer httpPort;

    @Override
    public Integer call() throws InterruptedException {
        Map<String, Object> overrides = new HashMap<>();
        if (httpPort != null) {
            overrides.put(AgentwatchConfig.HTTP_PORT, httpPort);
        }
        AgentwatchConfig c = Commands.loadConfig(config, overrides);
        BridgeSettings settings = BridgeSettings.from(c);
        CommandVerifier verifier = CommandVerifier.fromConfig(c, Clock.systemUTC());
        AgentClients clients = AgentClients.load(c.getString(AgentwatchConfig.KEYCLOAK_CLIENTS_FILE),
                c.getString(AgentwatchConfig.KEYCLOAK_AGENT_ID_TEMPLATE), settings.adminClientId());
        try (BridgeMetrics metrics = new BridgeMetrics()) {
            int port = metrics.serve(c.getString(AgentwatchConfig.HTTP_BIND), c.getInt(AgentwatchConfig.HTTP_PORT));
            KeycloakBridge bridge = new KeycloakBridge(settings, clients, verifier, new RegistrySerdes(c),
                    c.kafkaOverrides(), metrics, Clock.systemUTC());
            Thread hook = new Thread(() -> {
                LOG.info("shutting down");
                bridge.close();
            }, "keycloak-bridge-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            LOG.info("keycloak-bridge for realm {} at {}; metrics on port {}", settings.realm(), settings.keycloakUrl(), port);
            try {
                bridge.run();
            } catch (RuntimeException e) {
                Runtime.getRuntime().removeShutdownHook(hook);
                bridge.close();
                throw e;
            }
        }
        return ExitCodes.OK;
    }
}
