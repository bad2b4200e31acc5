package io.agentwatch.testing;

import io.agentwatch.topology.TopicNames;
import io.agentwatch.embedded.EmbeddedKafkaBroker;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives end-to-end tests a real Kafka broker: one {@link EmbeddedKafkaBroker} per test JVM,
 * started by the first test class that asks for it, shared by every later class, and stopped
 * when the whole test run ends.
 *
 * <pre>{@code
 * @ExtendWith(KafkaBrokerExtension.class)
 * @Timeout(value = 120, unit = TimeUnit.SECONDS)
 * class RevokeEndToEndIT {
 *     @BeforeAll
 *     static void setUp() {                                   // static accessors
 *         String bootstrap = KafkaBrokerExtension.bootstrapServers();
 *         KafkaBrokerExtension.createTopics(new NewTopic("e2e.in", 2, (short) 1));
 *     }
 *
 *     @Test
 *     void shouldRevoke(@KafkaBrokerExtension.BootstrapServers String bootstrap) { ... }
 *
 *     @Test
 *     void shouldAlsoRevoke(EmbeddedKafkaBroker broker) { ... broker.bootstrapServers() ... }
 * }
 * }</pre>
 *
 * <p>Because the broker is shared, give every test its own topics, consumer group and
 * {@code application.id}: {@link #uniqueName(String)}, {@code TopicNames.defaults().withPrefix(...)}.
 * Topics are not created automatically: create them with {@code TopicSetup.createTopics} or
 * {@link #createTopics(NewTopic...)}, which both wait until the broker serves them (a plain
 * {@code Admin.createTopics} returns a moment before). The broker needs 2-5 s to start, and up
 * to 512 MB of heap in its own JVM.
 *
 * <p>The broker lives in the root context's store, which closes it after the last test class
 * (JUnit 5.13 closes {@link AutoCloseable} store values; {@code CloseableResource} is
 * deprecated). Its JVM shutdown hook is the fallback if the test JVM is stopped early.
 */
public final class KafkaBrokerExtension implements BeforeAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(KafkaBrokerExtension.class);
    private static final AtomicInteger NAMES = new AtomicInteger();
    private static final Duration TOPIC_VISIBLE_TIMEOUT = Duration.ofSeconds(30);
    private static volatile EmbeddedKafkaBroker shared;

    /** Marks a {@code String} parameter that receives the broker's {@code bootstrap.servers}. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.PARAMETER)
    public @interface BootstrapServers {
    }

    /**
     * The shared broker, for static methods ({@code @BeforeAll}) and helpers.
     *
     * @throws IllegalStateException outside a test class extended with this extension
     */
    public static EmbeddedKafkaBroker broker() {
        EmbeddedKafkaBroker broker = shared;
        if (broker == null) {
            throw new IllegalStateException(
                    "no embedded Kafka broker: annotate the test class with @ExtendWith(KafkaBrokerExtension.class)");
        }
        return broker;
    }

    /** The shared broker's {@code bootstrap.servers}; see {@link #broker()}. */
    public static String bootstrapServers() {
        return broker().bootstrapServers();
    }

    /**
     * {@code prefix} plus a number not handed out before in this JVM, for topics, groups and
     * application ids; unique on the shared broker, which no other JVM uses.
     */
    public static String uniqueName(String prefix) {
        return prefix + "-" + NAMES.incrementAndGet();
    }

    /**
     * Creates topics on the shared broker and returns once the broker serves them: a broker
     * learns of a new topic a moment after its controller created it, and a describe or a
     * Kafka Streams start in that moment fails with "unknown topic".
     */
    public static void createTopics(NewTopic... topics) {
        List<String> names = Arrays.stream(topics).map(NewTopic::name).toList();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            admin.createTopics(List.of(topics)).all().get();
            long deadline = System.nanoTime() + TOPIC_VISIBLE_TIMEOUT.toNanos();
            while (!allVisible(admin, names)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("topics " + names + " created but not visible after "
                            + TOPIC_VISIBLE_TIMEOUT.toSeconds() + " s");
                }
                Thread.sleep(50);
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot create topics " + names, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics " + names, e);
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        shared = brokerOf(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == EmbeddedKafkaBroker.class
                || (type == String.class && parameter.isAnnotated(BootstrapServers.class));
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        EmbeddedKafkaBroker broker = brokerOf(context);
        return parameter.getParameter().getType() == String.class ? broker.bootstrapServers() : broker;
    }

    private static boolean allVisible(Admin admin, List<String> topics) throws InterruptedException {
        try {
            admin.describeTopics(topics).allTopicNames().get();
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return false;
            }
            throw new IllegalStateException("cannot describe topics " + topics, e.getCause());
        }
    }

    private static EmbeddedKafkaBroker brokerOf(ExtensionContext context) {
        // The root store outlives every test class, and closes what it holds when the run ends.
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent("broker", key -> EmbeddedKafkaBroker.start(), EmbeddedKafkaBroker.class);
    }
}
