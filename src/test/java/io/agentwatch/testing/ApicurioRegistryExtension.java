package io.agentwatch.testing;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Runs one real Apicurio Registry 2.4.2 (Confluent-compatible API) for the end-to-end tests
 * of the whole test JVM, and hands its URL to the tests.
 *
 * <p>Usage:
 * <pre>{@code
 * @ExtendWith(ApicurioRegistryExtension.class)
 * class MyEndToEndIT {
 *     @Test
 *     void shouldDoSomething(ApicurioRegistryExtension.Registry registry) {
 *         Map<String, Object> serdeConfig = Map.of("schema.registry.url", registry.url());
 *         ...
 *     }
 * }
 * }</pre>
 * A {@link Registry} parameter is resolved in constructors, {@code @BeforeAll} (static),
 * {@code @BeforeEach} and test methods. {@link Registry#url()} is
 * {@code http://127.0.0.1:PORT/apis/ccompat/v7}, the base URL for {@code schema.registry.url}.
 *
 * <p>What to know:
 * <ul>
 *   <li>Run such tests as integration tests ({@code *IT.java}, maven-failsafe): the first run on
 *       a machine builds the registry with Maven (about 2 min and 210 MiB of downloads, cached
 *       in {@code ~/.cache/agentwatch}, or {@code $AGENTWATCH_REGISTRY_CACHE}, for every worktree;
 *       parallel builds are locked), later runs start it in about 3 s.</li>
 *   <li>The registry is started before the first class that uses it and stopped when the test
 *       JVM's tests are done; all classes share it, and its storage is in memory, so give each
 *       test its own subjects (e.g. topic names with a random suffix).</li>
 *   <li>When it cannot be built or started, every test class that uses it fails with the
 *       reason and the path of the registry's log (in {@code target/}). It is never skipped;
 *       to leave the integration tests out, say so: {@code -DskipITs}.</li>
 *   <li>{@code src/test/registry/run.sh} does the build and start; the extension finds it from
 *       the project directory (Maven's working directory for tests), or from the system
 *       property {@code agentwatch.registry.script}. The system property
 *       {@code agentwatch.registry.timeout.seconds} (default 600) bounds build and start.</li>
 * </ul>
 */
public final class ApicurioRegistryExtension implements BeforeAllCallback, ParameterResolver {

    /** The running registry. */
    public record Registry(String url) {
    }

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(ApicurioRegistryExtension.class);
    private static final ScriptedServer.Spec SPEC = new ScriptedServer.Spec("Apicurio Registry", "apicurio-registry",
            "src/test/registry/run.sh", "agentwatch.registry.script", "agentwatch.registry.timeout.seconds", 600);

    @Override
    public void beforeAll(ExtensionContext context) {
        registry(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Registry.class;
    }

    @Override
    public Registry resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return registry(context);
    }

    /**
     * The root store holds the one start attempt of this JVM and closes it (stopping the
     * registry) after all tests. A failed attempt is kept too, so later classes fail at once
     * with the same reason instead of building again.
     */
    private static Registry registry(ExtensionContext context) {
        ScriptedServer process = context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(ScriptedServer.class, key -> ScriptedServer.start(SPEC), ScriptedServer.class);
        return new Registry(process.url());
    }
}
