package io.agentwatch.rules;

import io.agentwatch.avro.Operation;
import io.agentwatch.avro.Outcome;
import io.agentwatch.avro.TokenIssued;
import io.agentwatch.avro.ToolCall;
import io.agentwatch.catalog.ToolCatalog;
import io.agentwatch.detect.CallContext;
import io.agentwatch.detect.DetectionSettings;
import io.agentwatch.detect.TokenDirectory;
import io.agentwatch.model.Call;
import io.agentwatch.state.Baseline;
import io.agentwatch.state.SessionState;
import io.agentwatch.state.TokenState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * What analysts' rules cost per tool call, on this machine: the time {@link RuleSet#evaluate}
 * takes for one call (the variables it reads computed, every rule run), for rule sets of
 * different sizes and for a rule near the cost limit on an ordinary and a hostile call. Prints
 * numbers; asserts nothing. Run:
 * {@code mvn -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt && java -cp
 * target/test-classes:target/classes:$(cat target/cp.txt) io.agentwatch.rules.RulesBenchmark}
 */
public final class RulesBenchmark {
    private static final int WARMUP = 50_000;
    private static final int RUNS = 200_000;
    private static final String AGENT = "spiffe://acme.example/agents/treasury-bot";
    private static final RuleFile COMPILER = new RuleFile(2048, 256, 100_000);

    /** Ten rules of the kinds the README shows: field tests, globs, attributes, token, session and baseline. */
    private static final List<String> TYPICAL = List.of(
            "call.tool.glob(\"*transfer*\") && \"amount\" in call.attributes && double(call.attributes[\"amount\"]) > 10000.0",
            "call.operation == \"SEND\" && session.read_restricted && !token.allows_boundary(call.boundary)",
            "call.sensitivity == \"RESTRICTED\" && call.operation == \"DELETE\"",
            "call.tool.startsWith(\"deploy\") && call.time.getHours() < 6",
            "token.delegated && call.operation == \"DELEGATE\"",
            "session.untrusted_input && call.reaches_party && !token.grants(call.scope)",
            "call.destinations.exists(d, d.endsWith(\".ru\"))",
            "\"external_sink\" in call.flags && session.events > 50",
            "baseline.active && call.destinations.exists(d, baseline.implicated(d))",
            "session.boundaries.size() > 5 && call.boundary == \"prod\"");

    private RulesBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        CallContext ordinary = context("iban:DE44500105175407324931");
        StringJoiner many = new StringJoiner(",", "mailto:", "");
        for (int i = 0; i < 90; i++) {
            many.add("someone" + i + "@example.com");
        }
        CallContext hostile = context(many.toString());

        report("no rules", RuleSet.empty(), ordinary);
        report("the 2 rules of examples/rule-large-transfer.rules.yaml",
                COMPILER.load(Path.of("examples/rule-large-transfer.rules.yaml")), ordinary);
        report("10 typical rules", set(TYPICAL), ordinary);
        List<String> fifty = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            fifty.addAll(TYPICAL);
        }
        report("50 typical rules", set(fifty), ordinary);
        RuleSet heavy = set(List.of("call.destinations.exists(d, d.contains(\"attacker\"))"));
        report("1 rule of cost " + heavy.rules().get(0).cost() + ", 1 destination", heavy, ordinary);
        report("1 rule of cost " + heavy.rules().get(0).cost() + ", 90 destinations (hostile target)", heavy, hostile);
    }

    private static void report(String what, RuleSet set, CallContext ctx) {
        RuleSet.Errors errors = (rule, message) -> {
            throw new IllegalStateException(rule.id() + ": " + message);
        };
        int matches = 0;
        for (int i = 0; i < WARMUP; i++) {
            matches += set.evaluate(ctx, errors).size();
        }
        long t = System.nanoTime();
        for (int i = 0; i < RUNS; i++) {
            matches += set.evaluate(ctx, errors).size();
        }
        double micros = (System.nanoTime() - t) / 1e3 / RUNS;
        System.out.printf("%-70s %8.2f us per call (%,.0f calls/s per thread)%s%n", what, micros, 1e6 / micros,
                matches == 0 ? "" : "");
    }

    private static RuleSet set(List<String> conditions) throws IOException {
        StringBuilder yaml = new StringBuilder("rules:\n");
        for (int i = 0; i < conditions.size(); i++) {
            yaml.append("  - id: r").append(i).append("\n    severity: LOW\n    action: ALERT\n")
                    .append("    tags: [maestro:L7]\n    condition: '").append(conditions.get(i).replace("'", "''"))
                    .append("'\n");
        }
        Path f = Files.createTempFile("rules-benchmark", ".yaml");
        try {
            Files.writeString(f, yaml);
            return COMPILER.load(f);
        } finally {
            Files.delete(f);
        }
    }

    /** A transfer of 2500 in an open session with a few earlier calls, against an empty baseline. */
    private static CallContext context(String target) {
        Instant t = Instant.parse("2026-03-02T10:00:00Z");
        TokenState token = TokenState.of(TokenIssued.newBuilder().setTokenId("t-1").setAgentId(AGENT).setSessionId("s-1")
                .setIssuedAt(t).setExpiresAt(t.plusSeconds(3600)).setScopes(List.of("payments:write", "erp:read"))
                .setBoundaries(List.of("erp", "bank")).setPurpose("pay the approved invoices").build());
        Call call = Call.of(ToolCall.newBuilder().setEventId("e-9").setOccurredAt(t.plusSeconds(600)).setAgentId(AGENT)
                .setSessionId("s-1").setTokenId("t-1").setTool("transfer_funds").setOperation(Operation.EXECUTE)
                .setTarget(target).setBoundary("bank").setRequiredScope("payments:write").setOutcome(Outcome.OK)
                .setAttributes(Map.of("amount", "2500.00", "currency", "EUR")).build(), ToolCatalog.builtIn());
        SessionState session = new SessionState(AGENT, "s-1", t.toEpochMilli());
        for (int i = 0; i < 5; i++) {
            session.record(Call.of(ToolCall.newBuilder().setEventId("e-" + i).setOccurredAt(t.plusSeconds(60L * i))
                    .setAgentId(AGENT).setSessionId("s-1").setTokenId("t-1").setTool("read_invoices")
                    .setTarget("erp:invoices/" + i).setBoundary("erp").setOutcome(Outcome.OK).build(),
                    ToolCatalog.builtIn()), io.agentwatch.state.SessionActivity.Novelties.NONE, 300_000, 600_000);
        }
        DetectionSettings settings = new DetectionSettings(4.0, 12.0, 4, 600_000, 300_000, 4.0, 60, 5, 600_000,
                30_000, 120_000, 2.0, 3);
        return new CallContext(call, token, TokenDirectory.EMPTY, session, new Baseline(), settings);
    }
}
