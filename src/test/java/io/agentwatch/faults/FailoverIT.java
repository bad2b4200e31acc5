package io.agentwatch.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentwatch.testing.AgentwatchProcess;
import io.agentwatch.testing.ApicurioRegistryExtension;
import io.agentwatch.testing.KafkaBrokerExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
 * survivor answers queries about every agent within 30 s of the kill, the dead instance's from
 * its standby replicas; after the group's session timeout it takes the dead instance's tasks
 * over, and the outputs are complete and unique.
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
    void shouldAnswerForTheKilledInstancesAgentsWithin30SecondsAndCompleteTheOutputs(
            ApicurioRegistryExtension.Registry registry) throws Exception {
        FaultTrace trace = FaultTrace.shared();
        try (Deployment d = Deployment.create(KafkaBrokerExtension.bootstrapServers(), registry.url(), directory,
                "failover", Map.of("kafka.num.standby.replicas", "1"))) {
            // given two instances working through the trace
            d.produce(trace.events());
            long total = d.inputRecords();
            try (AgentwatchProcess a = d.launch("a", 1); AgentwatchProcess b = d.launch("b", 1)) {
                // launched together, so that both join the group before the work is done
                a.awaitRunning();
                b.awaitRunning();
                d.awaitCommitted(total / 4, a, b);

                // when b dies mid-stream
                b.kill();
                long killed = System.nanoTime();
                long committedAtKill = d.committedRecords();

                // then a answers for every agent within 30 s, for b's from its standby replicas
                Map<String, JsonNode> answers = new LinkedHashMap<>();
                List<String> unanswered = new ArrayList<>();
                for (String agent : trace.agents()) {
                    AgentwatchProcess.Reply reply = a.get(Deployment.agentPath(agent));
                    while (reply.status() != 200 && System.nanoTime() - killed < ANSWER_LIMIT.toNanos()) {
                        Thread.sleep(250);
                        reply = a.get(Deployment.agentPath(agent));
                    }
                    if (reply.status() == 200) {
                        answers.put(agent, JSON.readTree(reply.body()));
                    } else {
                        unanswered.add(agent + ": " + reply.status() + " " + reply.body());
                    }
                }
                Duration allAnswered = Duration.ofNanos(System.nanoTime() - killed);
                List<String> fromStandby = answers.entrySet().stream()
                        .filter(e -> e.getValue().path("standby").asBoolean()).map(Map.Entry::getKey).toList();
                LOG.info("FAILOVER | b killed after {} of {} input records were committed; a answered for all {} agents"
                        + " within {} ms of the kill, {} of them from its standby replicas {}", committedAtKill, total,
                        answers.size(), allAnswered.toMillis(), fromStandby.size(), fromStandby);
                assertThat(unanswered).as("agents a did not answer for within %s s of the kill",
                        ANSWER_LIMIT.toSeconds()).isEmpty();
                assertThat(fromStandby).as("agents of the killed instance, answered from a standby replica")
                        .isNotEmpty();
                assertThat(committedAtKill).as("b died with input left to process").isLessThan(total);

                // and a takes b's tasks over: every command once
                d.awaitProcessed(a);
                LOG.info("FAILOVER | a processed the rest of the trace {} s after the kill",
                        Duration.ofNanos(System.nanoTime() - killed).toSeconds());
                CommandTally tally = CommandTally.of(trace.expectedCommandIds(), d.revokeCommandIds());
                Deployment.report("failover: 1 of 2 instances kill -9", tally);
                assertThat(tally.exact()).as("%s", tally).isTrue();
            }
        }
    }
}
