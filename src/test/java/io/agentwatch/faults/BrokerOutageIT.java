package io.agentwatch.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentwatch.cli.ExitCodes;
import io.agentwatch.embedded.EmbeddedKafkaBroker;
import io.agentwatch.testing.AgentwatchProcess;
import io.agentwatch.testing.ApicurioRegistryExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka broker goes away while agentwatch works through a trace. A restart of the broker
 * is ridden out: agentwatch carries on by itself and publishes every command once. An outage
 * longer than {@code task.timeout.ms} is not: {@code run} exits with 3, for a supervisor to
 * restart it (and someone to look). Each test has a broker of its own, since it stops it.
 */
@ExtendWith(ApicurioRegistryExtension.class)
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class BrokerOutageIT {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerOutageIT.class);
    private static final Duration OUTAGE = Duration.ofSeconds(15);

    @TempDir
    Path directory;

    @Test
    void shouldCarryOnByItselfAndPublishEveryCommandOnceWhenTheBrokerRestarts(
            ApicurioRegistryExtension.Registry registry) throws Exception {
        FaultTrace trace = FaultTrace.shared();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
             Deployment d = Deployment.create(broker.bootstrapServers(), registry.url(), directory, "restart", Map.of())) {
            // given agentwatch a third of the way through the trace
            d.produce(trace.events());
            long total = d.inputRecords();
            try (AgentwatchProcess app = d.start("a", 1)) {
                d.awaitCommitted(total / 3, app);

                // when the broker stops, stays away for a while, and comes back
                broker.stop();
                Thread.sleep(OUTAGE.toMillis());
                assertThat(app.isAlive()).as("agentwatch rides out a %s s outage", OUTAGE.toSeconds()).isTrue();
                broker.restart();

                // then
                d.awaitProcessed(app);
                CommandTally tally = CommandTally.of(trace.expectedCommandIds(), d.revokeCommandIds());
                Deployment.report("broker stopped " + OUTAGE.toSeconds() + " s and restarted", tally);
                assertThat(tally.exact()).as("%s", tally).isTrue();
            }
        }
    }

    @Test
    void shouldExitWith3WhenTheBrokerIsGoneLongerThanTheTaskTimeout(ApicurioRegistryExtension.Registry registry)
            throws Exception {
        FaultTrace trace = FaultTrace.shared();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
             Deployment d = Deployment.create(broker.bootstrapServers(), registry.url(), directory, "outage",
                     Map.of("kafka.task.timeout.ms", "10000"))) {
            // given agentwatch in the middle of the trace, with a task timeout of 10 s
            d.produce(trace.events());
            long total = d.inputRecords();
            try (AgentwatchProcess app = d.start("a", 1)) {
                d.awaitCommitted(total / 3, app);

                // when the broker is gone for good
                long stopped = System.nanoTime();
                broker.stop();
                OptionalInt exit = app.awaitExit(Duration.ofMinutes(2));

                // then
                LOG.info("OUTAGE | agentwatch exited with {} {} s after the broker stopped", exit,
                        Duration.ofNanos(System.nanoTime() - stopped).toSeconds());
                assertThat(exit).as("exit of agentwatch; log %s", app.log()).hasValue(ExitCodes.STREAMS_ERROR);
                assertThat(app.logText()).contains("the Kafka cluster has not answered for",
                        "longer than task.timeout.ms (10 s", "exiting with 3");
            }
        }
    }
}
