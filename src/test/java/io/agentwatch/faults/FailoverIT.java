package io.agentwatch.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentwatch.testing.AgentwatchProcess;
import io.agentwatch.testing.ApicurioRegistryExtension;
import io.agentwatch.testing.KafkaBrokerExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two instances of agentwatch in one group, each keeping a standby replica of the other's
 * tasks ({@code num.standby.replicas=1}); one is killed with {@code kill -9} mid-stream. The
 * survivor takes its tasks over (after the group's session timeout) and the outputs are
 * complete and unique; meanwhile the survivor answers queries about the dead instance's agents
 * from its standby replicas, within 30 s of the kill.
 */
@ExtendWith({KafkaBrokerExtension.class, ApicurioRegistryExtension.class})
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class FailoverIT {
    private static final Logger LOG = LoggerFactory.getLogger(FailoverIT.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration ANSWER_LIMIT = Duration.ofSeconds(30);

    @TempDir
    Path directory;

    @Test
    void shouldCompleteTheOutputsAndAnswerForTheKilledInstancesAgentsWithin30Seconds(
            ApicurioRegistryExtension.Registry registry) throws Exception {
        FaultTrace trace = FaultTrace.shared();
        try (Deployment d = Deployment.create(KafkaBrokerExtension.bootstrapServers(), registry.url(), directory,
                "failover", Map.of("kafka.num.standby.replicas", "1"))) {
            // given two instances working through the trace
            d.produce(trace.events());
            long total = d.inputRecords();
            try (AgentwatchProcess a = d.start("a", 1); AgentwatchProcess b = d.start("b", 1)) {
                d.awaitCommitted(total / 3, a, b);
                String agent = agentOwnedBy(b, a, trace);

                // when b dies
                b.kill();
                long killed = System.nanoTime();

                // then a answers for b's agent within 30 s
                AgentwatchProcess.Reply reply = a.get(Deployment.agentPath(agent));
                while (reply.status() != 200 && System.nanoTime() - killed < ANSWER_LIMIT.toNanos()) {
                    Thread.sleep(250);
                    reply = a.get(Deployment.agentPath(agent));
                }
                Duration answeredAfter = Duration.ofNanos(System.nanoTime() - killed);
                LOG.info("FAILOVER | {} answered for {} {} ms after the kill, status {}, standby {}", a.name(), agent,
                        answeredAfter.toMillis(), reply.status(),
                        reply.status() == 200 && JSON.readTree(reply.body()).path("standby").asBoolean());
                assertThat(reply.status()).as("GET %s on %s %s ms after the kill: %s", Deployment.agentPath(agent),
                        a.name(), answeredAfter.toMillis(), reply.body()).isEqualTo(200);

                // and takes over b's tasks: every command once
                d.awaitProcessed(a);
                LOG.info("FAILOVER | {} processed the rest of the trace {} s after the kill", a.name(),
                        Duration.ofNanos(System.nanoTime() - killed).toSeconds());
                CommandTally tally = CommandTally.of(trace.expectedCommandIds(), d.revokeCommandIds());
                Deployment.report("failover: 1 of 2 instances kill -9", tally);
                assertThat(tally.exact()).as("%s", tally).isTrue();
            }
        }
    }

    /** An agent whose task is active on {@code owner}, as {@code asked} (forwarding the query) reports. */
    private static String agentOwnedBy(AgentwatchProcess owner, AgentwatchProcess asked, FaultTrace trace) {
        String ownerAddress = "127.0.0.1:" + owner.httpPort();
        for (String agent : trace.agents()) {
            JsonNode view = Deployment.agent(asked, agent);
            if (view.get("instance").asText().equals(ownerAddress)) {
                return agent;
            }
        }
        throw new AssertionError(owner.name() + " owns none of " + trace.agents());
    }
}
