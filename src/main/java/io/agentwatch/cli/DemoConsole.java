package io.agentwatch.cli;

import io.agentwatch.avro.BaselineState;
import io.agentwatch.avro.Finding;
import io.agentwatch.avro.RevokeCommand;
import io.agentwatch.avro.RevokeScope;
import io.agentwatch.avro.Severity;
import io.agentwatch.avro.TokenRevoked;
import io.agentwatch.respond.CommandVerifier;
import io.agentwatch.simulate.DemoApprover;
import io.agentwatch.simulate.SampleCredentialBroker;
import io.agentwatch.topology.DetectionObserver;
import java.io.PrintStream;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the demo shows a person: findings worth an analyst's eye (HIGH and above, MEDIUM
 * against an ACTIVE baseline, the broker not acting, step-up approvals decided), every revoke
 * command, every suspension and resumption, what the sample broker did, and a running count line. LOW findings and
 * LEARNING-phase alerts are counted, not printed, so benign traffic passes quietly.
 */
final class DemoConsole implements DetectionObserver, SampleCredentialBroker.Listener {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    private final PrintStream out;
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong findings = new AtomicLong();
    private final AtomicLong serious = new AtomicLong();
    private final AtomicLong commands = new AtomicLong();
    private final AtomicLong approvals = new AtomicLong();
    private final AtomicLong confirmed = new AtomicLong();
    private final AtomicLong deadLetters = new AtomicLong();
    private final java.util.Map<String, long[]> baselinesByTask = new java.util.concurrent.ConcurrentHashMap<>();
    private long lastEvents;
    private long lastAt = System.nanoTime();

    DemoConsole(PrintStream out) {
        this.out = out;
    }

    @Override
    public void eventIn(String type) {
        events.incrementAndGet();
    }

    @Override
    public void deadLetter(String reason) {
        deadLetters.incrementAndGet();
    }

    @Override
    public void finding(Finding f) {
        findings.incrementAndGet();
        boolean show = f.getSeverity().ordinal() >= Severity.HIGH.ordinal()
                || (f.getSeverity() == Severity.MEDIUM && f.getBaselineState() == BaselineState.ACTIVE)
                || f.getRule().startsWith("approval.");
        if (!show) {
            return;
        }
        serious.incrementAndGet();
        print(String.format(Locale.ROOT, "%s  FINDING  %-8s %s %s -> %s%n          %s", now(), f.getSeverity(),
                f.getDetector(), f.getRule(), f.getAction(), f.getSummary()));
    }

    @Override
    public void revokeCommand(RevokeCommand c, long producedAtMs) {
        if (c.getScope() == RevokeScope.SUSPEND || c.getScope() == RevokeScope.RESUME) {
            print(String.format(Locale.ROOT, "%s  APPROVAL %-8s %s session %s tokens %s (command %s)", now(), c.getScope(),
                    shortAgent(c.getAgentId()), c.getSessionId(), c.getTokenIds(), c.getCommandId()));
            return;
        }
        commands.incrementAndGet();
        print(String.format(Locale.ROOT, "%s  REVOKE   %-8s %s session %s tokens %s (command %s, %d ms after the call)",
                now(), c.getScope(), shortAgent(c.getAgentId()), c.getSessionId(), c.getTokenIds(), c.getCommandId(),
                producedAtMs - c.getIssuedAt().toEpochMilli()));
    }

    @Override
    public void approval(String outcome) {
        if (outcome.equals("requested")) {
            approvals.incrementAndGet();
        }
    }

    @Override
    public void suspended(RevokeCommand c, List<String> tokens) {
        print(String.format(Locale.ROOT, "%s  BROKER   holds token(s) %s of %s until a person decides (command %s)%s",
                now(), tokens, shortAgent(c.getAgentId()), c.getCommandId(), switch (DemoApprover.choiceFor(c.getCommandId())) {
                    case APPROVE -> "; the demo approver will approve";
                    case DENY -> "; the demo approver will deny";
                    case NO_ANSWER -> "; nobody will answer: the time-out revokes";
                }));
    }

    @Override
    public void resumed(RevokeCommand c, List<String> tokens) {
        print(String.format(Locale.ROOT, "%s  BROKER   resumed token(s) %s of %s (approved, command %s)", now(), tokens,
                shortAgent(c.getAgentId()), c.getCommandId()));
    }

    @Override
    public void agents(String taskId, long learning, long active) {
        baselinesByTask.put(taskId, new long[] {learning, active});
    }

    @Override
    public void revoked(TokenRevoked r) {
        confirmed.incrementAndGet();
        print(String.format(Locale.ROOT, "%s  BROKER   revoked token %s of %s (command %s); TokenRevoked sent back",
                now(), r.getTokenId(), shortAgent(r.getAgentId()), r.getCommandId()));
    }

    @Override
    public void refused(RevokeCommand c, CommandVerifier.Verdict verdict) {
        print(String.format(Locale.ROOT, "%s  BROKER   refused command %s of %s: %s (%s)", now(), c.getCommandId(),
                shortAgent(c.getAgentId()), verdict.reason(), verdict.detail()));
    }

    void phase(String text) {
        print(now() + "  " + text);
    }

    /** The running count line. */
    void status() {
        long agents = baselinesByTask.values().stream().mapToLong(v -> v[0] + v[1]).sum();
        long agentsActive = baselinesByTask.values().stream().mapToLong(v -> v[1]).sum();
        long e = events.get();
        long t = System.nanoTime();
        double rate = (e - lastEvents) / Math.max(1e-3, (t - lastAt) / 1e9);
        lastEvents = e;
        lastAt = t;
        print(String.format(Locale.ROOT,
                "%s  -- events %,d (%.0f/s) | findings %,d (%d shown) | revoke commands %d | broker revoked %d"
                        + " | approvals asked %d | dead letters %d%s",
                now(), e, rate, findings.get(), serious.get(), commands.get(), confirmed.get(), approvals.get(),
                deadLetters.get(),
                agents > 0 ? " | baselines ACTIVE " + agentsActive + "/" + agents : ""));
    }

    private static String shortAgent(String agentId) {
        int slash = agentId.lastIndexOf('/');
        return slash < 0 ? agentId : agentId.substring(slash + 1);
    }

    private static String now() {
        return TIME.format(java.time.Instant.now());
    }

    private synchronized void print(String line) {
        out.println(line);
        out.flush();
    }
}
