package io.agentwatch.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentwatch.testing.AgentwatchProcess;
import io.agentwatch.testing.ApicurioRegistryExtension;
import io.agentwatch.testing.KafkaBrokerExtension;
import io.agentwatch.embedded.TempDirectories;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * agentwatch ({@code run} in a child JVM) killed with {@code kill -9} while it works through a
 * trace with known attacks, then started again: a read_committed consumer of the revoke
 * commands sees each command of {@code replay} exactly once, and the learned baselines match
 * a run without faults. {@code -Dagentwatch.faults.crashes=N} kills it N times (the soak
 * script runs 3 and more; CI runs 1).
 */
@ExtendWith({KafkaBrokerExtension.class, ApicurioRegistryExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class CrashRecoveryIT {
    private static final Logger LOG = LoggerFactory.getLogger(CrashRecoveryIT.class);
    private static final int CRASHES = Integer.getInteger("agentwatch.faults.crashes", 1);

    @TempDir
    static Path directory;

    private final String registryUrl;
    private FaultTrace trace;
    private List<String> referenceCommands;
    private Map<String, JsonNode> referenceBaselines;

    CrashRecoveryIT(ApicurioRegistryExtension.Registry registry) {
        this.registryUrl = registry.url();
    }

    @BeforeAll
    void runTheTraceOnceWithoutFaults() throws Exception {
        trace = FaultTrace.shared();
        try (Deployment d = deployment("reference")) {
            d.produce(trace.events());
            try (AgentwatchProcess app = d.start("a", 1)) {
                d.awaitProcessed(app);
                referenceCommands = d.revokeCommandIds();
                referenceBaselines = d.baselines(app, trace.agents());
            }
        }
    }

    @Test
    void shouldPublishTheRevokeCommandsOfReplayOnceEachWithoutFaults() {
        CommandTally tally = CommandTally.of(trace.expectedCommandIds(), referenceCommands);
        Deployment.report("none (reference run)", tally);

        assertThat(tally.exact()).as("%s", tally).isTrue();
    }

    @Test
    void shouldPublishEveryRevokeCommandExactlyOnceWhenKilledMidStream() throws Exception {
        try (Deployment d = deployment("kill9")) {
            // given the whole trace waiting in the inputs
            d.produce(trace.events());
            long total = d.inputRecords();

            // when agentwatch is killed outright part-way through, CRASHES times, and started again
            for (int crash = 1; crash <= CRASHES; crash++) {
                AgentwatchProcess app = d.start("a", crash);
                d.awaitCommitted(total * crash / (CRASHES + 1), app);
                app.kill();
                LOG.info("killed {} (kill -9) after {} of {} input records were committed", app.name(),
                        total * crash / (CRASHES + 1), total);
            }
            try (AgentwatchProcess app = d.start("a", CRASHES + 1)) {
                d.awaitProcessed(app);

                // then
                CommandTally tally = CommandTally.of(trace.expectedCommandIds(), d.revokeCommandIds());
                Deployment.report(CRASHES + " x kill -9 mid-stream", tally);
                assertThat(tally.exact()).as("%s", tally).isTrue();
                BaselineAssert.assertSameLearning(d.baselines(app, trace.agents()), referenceBaselines);
            }
        }
    }

    @Test
    void shouldRestoreFromTheChangelogsWhenTheStateDirectoryIsWiped() throws Exception {
        try (Deployment d = deployment("wiped")) {
            // given agentwatch killed half-way through the trace
            d.produce(trace.events());
            long total = d.inputRecords();
            AgentwatchProcess first = d.start("a", 1);
            d.awaitCommitted(total / 2, first);
            first.kill();

            // when its state directory is lost with the machine, and it starts on an empty one
            TempDirectories.deleteRecursively(d.stateDir("a"));
            try (AgentwatchProcess app = d.start("a", 2)) {
                d.awaitProcessed(app);

                // then the stores came back from the changelogs: same commands, same baselines
                CommandTally tally = CommandTally.of(trace.expectedCommandIds(), d.revokeCommandIds());
                Deployment.report("kill -9 + state dir wiped", tally);
                assertThat(tally.exact()).as("%s", tally).isTrue();
                BaselineAssert.assertSameLearning(d.baselines(app, trace.agents()), referenceBaselines);
            }
        }
    }

    @Test
    void shouldApplyABaselineResetAnswered202EvenWhenKilledRightAfterTheAnswer() throws Exception {
        try (Deployment d = deployment("reset")) {
            // given an agent that has learned from a third of the trace
            d.produce(trace.head(1.0 / 3));
            String agent;
            try (AgentwatchProcess app = d.start("a", 1)) {
                d.awaitProcessed(app);
                agent = trace.agents().stream()
                        .filter(a -> Deployment.agent(app, a).at("/baseline/learned_events").asLong() > 0)
                        .findFirst().orElseThrow(() -> new AssertionError("no agent learned anything"));

                // when an operator resets its baseline, and agentwatch dies right after answering 202
                AgentwatchProcess.Reply reset = app.post("/admin" + Deployment.agentPath(agent) + "/reset-baseline",
                        "Bearer " + Deployment.ADMIN_TOKEN);
                app.kill();
                assertThat(reset.status()).as(reset.body()).isEqualTo(202);
            }

            // then the restarted agentwatch has applied it, although no event of the agent followed
            try (AgentwatchProcess app = d.start("a", 2)) {
                d.awaitProcessed(app);
                JsonNode baseline = Deployment.agent(app, agent).get("baseline");
                assertThat(baseline.get("state").asText()).isEqualTo("LEARNING");
                assertThat(baseline.get("learned_events").asLong()).as("%s", baseline).isZero();
            }
        }
    }

    private Deployment deployment(String name) throws Exception {
        return Deployment.create(KafkaBrokerExtension.bootstrapServers(), registryUrl, directory, name, Map.of());
    }
}
