package io.agentwatch.replay;

import io.agentwatch.avro.ApprovalDecision;
import io.agentwatch.avro.Finding;
import io.agentwatch.avro.FindingFeedback;
import io.agentwatch.avro.RevokeCommand;
import io.agentwatch.avro.TokenIssued;
import io.agentwatch.avro.TokenRevoked;
import io.agentwatch.avro.ToolCall;
import io.agentwatch.config.AgentwatchConfig;
import io.agentwatch.embedded.TempDirectories;
import io.agentwatch.topology.AgentwatchTopology;
import io.agentwatch.topology.TopicNames;
import io.agentwatch.topology.DeadLetters;
import io.agentwatch.topology.MonitorServices;
import io.agentwatch.topology.Names;
import io.agentwatch.trace.TraceEvent;
import java.io.Closeable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * Runs the real topology offline in a TopologyTestDriver: events are fed one at a time in the
 * order given, like one partition live, and every output record comes back with the id of the
 * tool call being processed when it was produced (null for token events and stream-time sweeps).
 */
public final class Replayer implements Closeable {
    /** One output record: a finding or a revoke command, and the input event that produced it. */
    public record Output(SpecificRecord record, String inputEventId) {
        public boolean isFinding() {
            return record instanceof Finding;
        }
    }

    /** A record the topology sent to the dead-letter topic, with its reason. */
    public record DeadLetter(String reason, String message) {
    }

    private final TopologyTestDriver driver;
    private final Path stateDir;
    private final TestInputTopic<String, ToolCall> toolCalls;
    private final TestInputTopic<String, TokenIssued> issuances;
    private final TestInputTopic<String, TokenRevoked> revocations;
    private final TestInputTopic<String, ApprovalDecision> approvals;
    private final TestInputTopic<String, FindingFeedback> feedback;
    private final TestOutputTopic<String, Finding> findings;
    private final TestOutputTopic<String, RevokeCommand> commands;
    private final TestOutputTopic<byte[], byte[]> dlq;
    private final String dlqTopic;

    public Replayer(AgentwatchConfig config, MonitorServices services, Instant start) {
        TopicNames topics = TopicNames.from(config);
        try {
            stateDir = Files.createTempDirectory("agentwatch-replay-");
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot create a temporary state directory: " + e.getMessage(), e);
        }
        Properties props = AgentwatchTopology.streamsProperties(config, services.observer());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "agentwatch-replay");
        // Offline: nothing to make exactly-once against, and the driver commits after every record.
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        // A trace is processed in file order: no waiting for other inputs, which would let the
        // driver reorder records with equal timestamps.
        props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, "0");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "replay:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(AgentwatchTopology.build(config, services), props, start);
        StringSerializer keys = new StringSerializer();
        var serdes = services.serdes();
        toolCalls = driver.createInputTopic(topics.toolCalls(), keys, serdes.forClass(ToolCall.class).serializer());
        issuances = driver.createInputTopic(topics.tokenIssuances(), keys,
                serdes.forClass(TokenIssued.class).serializer());
        revocations = driver.createInputTopic(topics.tokenRevocations(), keys,
                serdes.forClass(TokenRevoked.class).serializer());
        approvals = driver.createInputTopic(topics.approvals(), keys,
                serdes.forClass(ApprovalDecision.class).serializer());
        feedback = driver.createInputTopic(topics.findingFeedback(), keys,
                serdes.forClass(FindingFeedback.class).serializer());
        StringDeserializer keysIn = new StringDeserializer();
        findings = driver.createOutputTopic(topics.findings(), keysIn, serdes.forClass(Finding.class).deserializer());
        commands = driver.createOutputTopic(topics.revokeCommands(), keysIn,
                serdes.forClass(RevokeCommand.class).deserializer());
        dlqTopic = topics.deadLetters();
        dlq = driver.createOutputTopic(dlqTopic, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Feeds one event, keyed by its agent id, and returns what it produced in processing order. */
    public List<Output> feed(TraceEvent e) {
        return feed(e.agentId(), e.event());
    }

    /** Feeds one event with an explicit key (a test may want a key that differs from the agent id). */
    public List<Output> feed(String key, SpecificRecord event) {
        Instant time = TraceEvent.eventTime(event);
        if (event instanceof ToolCall c) {
            toolCalls.pipeInput(key, c, time);
        } else if (event instanceof TokenIssued t) {
            issuances.pipeInput(key, t, time);
        } else if (event instanceof TokenRevoked r) {
            revocations.pipeInput(key, r, time);
        } else if (event instanceof ApprovalDecision d) {
            approvals.pipeInput(key, d, time);
        } else if (event instanceof FindingFeedback f) {
            feedback.pipeInput(key, f, time);
        } else {
            throw new IllegalArgumentException("not an input event: " + event.getClass().getSimpleName());
        }
        return drain();
    }

    /** Advances stream time without an event of any agent, so that sweeps run (tests). */
    public List<Output> drain() {
        List<Output> out = new ArrayList<>();
        for (TestRecord<String, Finding> r : findings.readRecordsToList()) {
            out.add(new Output(r.value(), inputEventId(r.headers())));
        }
        // The driver keeps each topic apart; a command is produced right after the finding that
        // caused it, so put it back there to restore processing order.
        for (TestRecord<String, RevokeCommand> r : commands.readRecordsToList()) {
            String cause = r.value().getFindingIds().isEmpty() ? null : r.value().getFindingIds().get(0);
            int at = out.size();
            for (int i = 0; i < out.size(); i++) {
                if (out.get(i).record() instanceof Finding f && f.getFindingId().equals(cause)) {
                    at = i + 1;
                    // after the commands of the same finding already placed there, in their order
                    while (at < out.size() && out.get(at).record() instanceof RevokeCommand c
                            && c.getFindingIds().contains(cause)) {
                        at++;
                    }
                    break;
                }
            }
            out.add(at, new Output(r.value(), inputEventId(r.headers())));
        }
        return out;
    }

    /** Dead letters produced since the last call. */
    public List<DeadLetter> deadLetters() {
        List<DeadLetter> out = new ArrayList<>();
        if (!driver.producedTopicNames().contains(dlqTopic)) {
            // Only the exception handlers write dead letters (no sink names the topic): reading
            // it before the first one would make the driver warn about an unknown topic.
            return out;
        }
        for (TestRecord<byte[], byte[]> r : dlq.readRecordsToList()) {
            out.add(new DeadLetter(DeadLetters.header(r.headers(), DeadLetters.REASON),
                    DeadLetters.header(r.headers(), DeadLetters.MESSAGE)));
        }
        return out;
    }

    private static String inputEventId(Headers headers) {
        Header h = headers.lastHeader(Names.INPUT_EVENT_HEADER);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    public TopologyTestDriver driver() {
        return driver;
    }

    @Override
    public void close() {
        driver.close();
        TempDirectories.deleteRecursively(stateDir);
    }
}
