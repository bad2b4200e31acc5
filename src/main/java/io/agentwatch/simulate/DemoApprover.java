package io.agentwatch.simulate;

import io.agentwatch.avro.ApprovalDecision;
import io.agentwatch.avro.ApprovalVerdict;
import io.agentwatch.avro.RevokeCommand;
import io.agentwatch.topology.TopicNames;
import io.agentwatch.topology.ValueSerdes;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Stands in for the people who answer step-up approvals, for the demo: a few seconds after the
 * sample broker suspends a token, it publishes a decision on agent.approvals, taking turns by
 * the SUSPEND command's id so that the demo shows every path: one in three approved (by
 * "alice (demo approver)": the token resumes), one in three denied (by "bob (demo approver)":
 * the session is revoked), one in three left unanswered (the time-out revokes the session).
 */
public final class DemoApprover implements SampleCredentialBroker.Listener, AutoCloseable {
    static final Duration THINKING_TIME = Duration.ofSeconds(3);

    /** What the demo's approvers do with a suspension. */
    public enum Choice { APPROVE, DENY, NO_ANSWER }

    private final KafkaProducer<String, ApprovalDecision> producer;
    private final TopicNames topics;
    private final Clock clock;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "demo-approver");
        t.setDaemon(true);
        return t;
    });

    public DemoApprover(String bootstrapServers, TopicNames topics, ValueSerdes serdes, Clock clock) {
        this.topics = topics;
        this.clock = clock;
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producer = new KafkaProducer<>(p, new StringSerializer(), serdes.forClass(ApprovalDecision.class).serializer());
    }

    public static Choice choiceFor(String commandId) {
        return Choice.values()[Math.floorMod(commandId.hashCode(), Choice.values().length)];
    }

    @Override
    public void revoked(io.agentwatch.avro.TokenRevoked t) {
        // nothing to decide
    }

    @Override
    public void suspended(RevokeCommand c, List<String> tokens) {
        Choice choice = choiceFor(c.getCommandId());
        if (choice == Choice.NO_ANSWER) {
            return;
        }
        scheduler.schedule(() -> decide(c, choice), THINKING_TIME.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void decide(RevokeCommand c, Choice choice) {
        boolean approve = choice == Choice.APPROVE;
        ApprovalDecision d = ApprovalDecision.newBuilder().setDecisionId("demo-" + c.getCommandId())
                .setAgentId(c.getAgentId()).setCommandId(c.getCommandId())
                .setVerdict(approve ? ApprovalVerdict.APPROVE : ApprovalVerdict.DENY)
                .setApprover(approve ? "alice (demo approver)" : "bob (demo approver)")
                .setDecidedAt(clock.instant()).setSessionId(c.getSessionId())
                .setReason(approve ? "expected, go ahead" : "not what this task is for").build();
        producer.send(new ProducerRecord<>(topics.approvals(), d.getAgentId(), d));
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        producer.close(Duration.ofSeconds(5));
    }
}
