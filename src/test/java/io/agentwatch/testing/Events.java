package io.agentwatch.testing;

import io.agentwatch.avro.Actor;
import io.agentwatch.avro.Operation;
import io.agentwatch.avro.Outcome;
import io.agentwatch.avro.Sensitivity;
import io.agentwatch.avro.TokenIssued;
import io.agentwatch.avro.TokenRevoked;
import io.agentwatch.avro.ToolCall;
import java.time.Instant;
import java.util.List;

/**
 * Builders of the three input events with the agents and tools of the test fixtures. Times and
 * event ids are left unset where a {@link MonitorHarness} fills them from its clock.
 */
public final class Events {
    public static final String MAILER = "spiffe://corp.example/agents/mailer";
    public static final String BILLING = "spiffe://corp.example/agents/billing-bot";
    public static final String ORCHESTRATOR = "spiffe://corp.example/agents/orchestrator";

    /** What the mailer's tokens normally grant. */
    public static final List<String> MAILER_SCOPES = List.of("mail:read", "mail:send", "crm:read");
    public static final List<String> MAILER_BOUNDARIES = List.of("corp", "customer-mail");
    public static final List<String> BILLING_SCOPES = List.of("billing:read", "billing:write");
    public static final List<String> BILLING_BOUNDARIES = List.of("finance");

    private Events() {
    }

    /** A successful call; the catalog fills operation, sensitivity and flags unless the test sets them. */
    public static ToolCall.Builder call(String agent, String session, String token, String tool) {
        return ToolCall.newBuilder().setAgentId(agent).setSessionId(session).setTokenId(token).setTool(tool)
                .setOutcome(Outcome.OK);
    }

    public static ToolCall.Builder call(String agent, String session, String token, String tool, String target,
                                        String boundary, String scope) {
        return call(agent, session, token, tool).setTarget(target).setBoundary(boundary).setRequiredScope(scope);
    }

    /** The mailer's usual calls. */
    public static ToolCall.Builder readInbox(String session, String token) {
        return call(MAILER, session, token, "read_inbox", "mailbox:support", "corp", "mail:read");
    }

    public static ToolCall.Builder crmLookup(String session, String token) {
        return call(MAILER, session, token, "crm_lookup", "crm:customers", "corp", "crm:read");
    }

    public static ToolCall.Builder listFolders(String session, String token) {
        return call(MAILER, session, token, "list_folders", "mailbox:support", "corp", "mail:read");
    }

    public static ToolCall.Builder replyToCustomer(String session, String token, int customer) {
        return call(MAILER, session, token, "send_email", "mailto:customer-" + customer + "@customer.example",
                "customer-mail", "mail:send");
    }

    public static ToolCall.Builder sendTo(String session, String token, String tool, String target, String boundary) {
        return call(MAILER, session, token, tool).setOperation(Operation.SEND).setTarget(target).setBoundary(boundary);
    }

    public static ToolCall.Builder denied(ToolCall.Builder call) {
        return call.setOutcome(Outcome.DENIED);
    }

    public static ToolCall.Builder sensitive(ToolCall.Builder call, Sensitivity s) {
        return call.setSensitivity(s);
    }

    /** A token valid for one hour from its issue time (the harness sets the times when left unset). */
    public static TokenIssued.Builder token(String agent, String tokenId, String session, List<String> scopes,
                                            List<String> boundaries) {
        return TokenIssued.newBuilder().setTokenId(tokenId).setAgentId(agent).setSessionId(session)
                .setScopes(scopes).setBoundaries(boundaries).setAudience("api").setPurpose("test task")
                .setIssuer("https://sts.corp.example");
    }

    public static TokenIssued.Builder mailerToken(String tokenId, String session) {
        return token(MAILER, tokenId, session, MAILER_SCOPES, MAILER_BOUNDARIES);
    }

    public static TokenIssued.Builder delegatedBy(TokenIssued.Builder token, String delegator, String delegatorToken) {
        return token.setActorChain(List.of(new Actor(delegator, delegatorToken)));
    }

    public static TokenRevoked revoked(String agent, String tokenId, Instant at, String reason) {
        return TokenRevoked.newBuilder().setAgentId(agent).setTokenId(tokenId).setRevokedAt(at).setReason(reason)
                .setRevokedBy("broker").build();
    }
}
