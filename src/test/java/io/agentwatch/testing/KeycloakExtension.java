package io.agentwatch.testing;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Runs one real Keycloak 26.7.3 (start-dev, in-memory database, bootstrap admin admin/admin) for
 * the integration tests of the whole test JVM, and hands its URL to the tests.
 *
 * <pre>{@code
 * @ExtendWith(KeycloakExtension.class)
 * class MyKeycloakIT {
 *     @Test
 *     void shouldDoSomething(KeycloakExtension.Keycloak keycloak) {
 *         KeycloakRealm realm = KeycloakRealm.create(keycloak.url(), "agents-1");
 *         ...
 *     }
 * }
 * }</pre>
 *
 * <ul>
 *   <li>{@code src/test/keycloak/run.sh} downloads the distribution from Maven Central with the
 *       Maven dependency plugin (177 MB, once), unpacks it into {@code ~/.cache/agentwatch} (or
 *       {@code $AGENTWATCH_KEYCLOAK_CACHE}) for every worktree, and starts it. The first start
 *       also builds the server (about 45 s on an idle machine, locked against parallel builds);
 *       later starts take about 15 s idle, up to 110 s on a loaded 2-core machine.</li>
 *   <li>All classes share it: give each test its own realm.</li>
 *   <li>When it cannot be started, every class that uses it fails with the reason and its log
 *       (in {@code target/}); it is never skipped. System properties
 *       {@code agentwatch.keycloak.script} and {@code agentwatch.keycloak.timeout.seconds}
 *       (default 600) override the script and bound the start.</li>
 * </ul>
 */
public final class KeycloakExtension implements BeforeAllCallback, ParameterResolver {

    /** The running Keycloak: {@code http://127.0.0.1:PORT}, admin user admin/admin in realm master. */
    public record Keycloak(String url) {
        public static final String ADMIN_USER = "admin";
        public static final String ADMIN_PASSWORD = "admin";
    }

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(KeycloakExtension.class);
    private static final ScriptedServer.Spec SPEC = new ScriptedServer.Spec("Keycloak", "keycloak",
            "src/test/keycloak/run.sh", "agentwatch.keycloak.script", "agentwatch.keycloak.timeout.seconds", 600);

    @Override
    public void beforeAll(ExtensionContext context) {
        keycloak(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Keycloak.class;
    }

    @Override
    public Keycloak resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return keycloak(context);
    }

    private static Keycloak keycloak(ExtensionContext context) {
        ScriptedServer server = context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(ScriptedServer.class, key -> ScriptedServer.start(SPEC), ScriptedServer.class);
        return new Keycloak(server.url());
    }
}
