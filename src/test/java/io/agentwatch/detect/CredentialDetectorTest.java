package io.agentwatch.detect;

import io.agentwatch.model.Call;
import static io.agentwatch.testing.Events.BILLING;
import static io.agentwatch.testing.Events.MAILER;
import static org.assertj.core.api.Assertions.assertThat;

import io.agentwatch.avro.RevokeScope;
import io.agentwatch.avro.Severity;
import io.agentwatch.config.AgentwatchConfig;
import io.agentwatch.state.Baseline;
import io.agentwatch.state.SessionState;
import io.agentwatch.testing.DetectorRun;
import io.agentwatch.state.TokenState;
import io.agentwatch.testing.Baselines;
import io.agentwatch.testing.Events;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CredentialDetectorTest {
    private static final long T0 = Instant.parse("2026-01-05T09:00:00Z").toEpochMilli();
    private static final long HOUR = 3_600_000L;

    private final DetectionSettings settings = DetectionSettings.from(new AgentwatchConfig(Map.of()));
    private final DetectorRun run = new DetectorRun(new CredentialDetector(), settings,
            new SessionState(MAILER, "s-1", T0));

    private static TokenState mailerToken(String id) {
        return TokenState.of(Events.mailerToken(id, "s-1").setIssuedAt(Instant.ofEpochMilli(T0))
                .setExpiresAt(Instant.ofEpochMilli(T0 + HOUR)).build());
    }

    private static Call at(long time, io.agentwatch.avro.ToolCall.Builder b) {
        return Baselines.call(b, time, "e-" + time);
    }

    private List<Detection> inspect(Call call, TokenState own, TokenDirectory directory) {
        return run.directory(directory).judge(call, new Baseline(), own);
    }

    @Test
    void shouldPassACallWithinWhatItsTokenGrants() {
        // when
        List<Detection> found = inspect(at(T0 + 60_000, Events.crmLookup("s-1", "t-1")), mailerToken("t-1"),
                TokenDirectory.EMPTY);

        // then
        assertThat(found).isEmpty();
    }

    @Test
    void shouldFlagATokenNoIssuanceAnnounced() {
        // when
        List<Detection> found = inspect(at(T0, Events.readInbox("s-1", "t-ghost")), null, TokenDirectory.EMPTY);

        // then
        assertThat(found).singleElement().satisfies(d -> {
            assertThat(d.rule()).isEqualTo("token.unknown");
            assertThat(d.severity()).isEqualTo(Severity.HIGH);
            assertThat(d.revokeScope()).isEqualTo(RevokeScope.SESSION);
            assertThat(d.notes()).contains(TokenDirectory.LAG_NOTE);
            assertThat(d.eventIds()).containsExactly("e-" + T0);
        });
    }

    @Test
    void shouldFlagATokenTheIndexSaysWasIssuedToAnotherAgent() {
        // given billing's token in the cross-agent index
        TokenState billing = TokenState.of(Events.token(BILLING, "t-billing", "s-b", Events.BILLING_SCOPES,
                Events.BILLING_BOUNDARIES).setIssuedAt(Instant.ofEpochMilli(T0))
                .setExpiresAt(Instant.ofEpochMilli(T0 + HOUR)).build());
        TokenDirectory index = id -> id.equals("t-billing") ? Optional.of(billing) : Optional.empty();

        // when the mailer presents it
        List<Detection> found = inspect(at(T0, Events.readInbox("s-1", "t-billing")), null, index);

        // then
        assertThat(found).singleElement().satisfies(d -> {
            assertThat(d.rule()).isEqualTo("token.foreign");
            assertThat(d.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(d.revokeScope()).isEqualTo(RevokeScope.SESSION);
            assertThat(d.otherAgentsTokens()).containsExactly("t-billing");
            assertThat(d.summary()).contains(BILLING);
            assertThat(d.scopes()).containsAll(Events.BILLING_SCOPES);
        });
    }

    @Test
    void shouldNotFlagATokenTheIndexKnowsForThisAgentBeforeTheLocalStoreHasIt() {
        // given
        TokenState own = mailerToken("t-1");

        // when
        List<Detection> found = inspect(at(T0, Events.readInbox("s-1", "t-1")), null, id -> Optional.of(own));

        // then
        assertThat(found).isEmpty();
    }

    @Test
    void shouldFlagAnExpiredTokenOnlyPastTheLeeway() {
        // given
        TokenState token = mailerToken("t-1");
        long leeway = settings.expiryLeewayMs();

        // when
        List<Detection> withinLeeway = inspect(at(T0 + HOUR + leeway, Events.readInbox("s-1", "t-1")), token,
                TokenDirectory.EMPTY);
        List<Detection> past = inspect(at(T0 + HOUR + leeway + 1, Events.readInbox("s-1", "t-1")), token,
                TokenDirectory.EMPTY);

        // then
        assertThat(withinLeeway).isEmpty();
        assertThat(past).extracting(Detection::rule).containsExactly("token.expired");
        assertThat(past.get(0).severity()).isEqualTo(Severity.HIGH);
    }

    @Test
    void shouldFlagARevokedTokenUsedAfterItsRevocationButNotALateCallFromBefore() {
        // given a token revoked at T0 + 10 min
        TokenState token = mailerToken("t-1");
        token.revoke(T0 + 600_000, "task finished");

        // when
        List<Detection> before = inspect(at(T0 + 599_000, Events.readInbox("s-1", "t-1")), token, TokenDirectory.EMPTY);
        List<Detection> after = inspect(at(T0 + 601_000, Events.readInbox("s-1", "t-1")), token, TokenDirectory.EMPTY);

        // then
        assertThat(before).isEmpty();
        assertThat(after).singleElement().satisfies(d -> {
            assertThat(d.rule()).isEqualTo("token.revoked");
            assertThat(d.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(d.summary()).contains("task finished");
        });
    }

    @Test
    void shouldFlagAScopeTheTokenDoesNotGrant() {
        // when
        List<Detection> found = inspect(at(T0, Events.call(MAILER, "s-1", "t-1", "crm_update", "crm:customers",
                "corp", "crm:write")), mailerToken("t-1"), TokenDirectory.EMPTY);

        // then
        assertThat(found).singleElement().satisfies(d -> {
            assertThat(d.rule()).isEqualTo("scope.not_granted");
            assertThat(d.severity()).isEqualTo(Severity.HIGH);
            assertThat(d.revokeScope()).isEqualTo(RevokeScope.TOKEN);
            assertThat(d.tokenIds()).containsExactly("t-1");
            assertThat(d.observations()).singleElement().satisfies(o -> {
                assertThat(o.getGrain()).isEqualTo("scope");
                assertThat(o.getValue()).isEqualTo("crm:write");
                assertThat(o.getVerdict()).isEqualTo("VIOLATION");
            });
        });
    }

    @Test
    void shouldTakeTheRequiredScopeFromTheCatalogWhenTheEventHasNone() {
        // given a catalog that says export_contacts needs crm:export
        var catalog = io.agentwatch.catalog.ToolCatalog.of(List.of(new io.agentwatch.catalog.CatalogEntry(
                "export_contacts", null, null, null, "crm:export", null)));
        Call call = Call.of(Events.call(MAILER, "s-1", "t-1", "export_contacts").setBoundary("corp")
                .setEventId("e-1").setOccurredAt(Instant.ofEpochMilli(T0)).build(), catalog);

        // when
        List<Detection> found = inspect(call, mailerToken("t-1"), TokenDirectory.EMPTY);

        // then
        assertThat(found).extracting(Detection::rule).containsExactly("scope.not_granted");
    }

    @Test
    void shouldFlagABoundaryTheTokenDoesNotAllow() {
        // when
        List<Detection> found = inspect(at(T0, Events.sendTo("s-1", "t-1", "http_post", "https://paste.example/x",
                "paste.example")), mailerToken("t-1"), TokenDirectory.EMPTY);

        // then
        assertThat(found).singleElement().satisfies(d -> {
            assertThat(d.rule()).isEqualTo("boundary.not_allowed");
            assertThat(d.boundaries()).contains("paste.example");
            assertThat(d.revokeScope()).isEqualTo(RevokeScope.TOKEN);
        });
    }

    @Test
    void shouldReportTheSameViolationOncePerSession() {
        // given
        TokenState token = mailerToken("t-1");
        inspect(at(T0, Events.call(MAILER, "s-1", "t-1", "crm_update", "c", "corp", "crm:write")), token,
                TokenDirectory.EMPTY);

        // when the same scope is used again, and then another one
        List<Detection> again = inspect(at(T0 + 1000, Events.call(MAILER, "s-1", "t-1", "crm_update", "c", "corp",
                "crm:write")), token, TokenDirectory.EMPTY);
        List<Detection> other = inspect(at(T0 + 2000, Events.call(MAILER, "s-1", "t-1", "crm_delete", "c", "corp",
                "crm:delete")), token, TokenDirectory.EMPTY);

        // then
        assertThat(again).isEmpty();
        assertThat(other).extracting(Detection::rule).containsExactly("scope.not_granted");
    }

    @Test
    void shouldFlagUseOfATokenWhoseRevocationWasOrderedMoreSeverelyOnceOverdue() {
        // given agentwatch ordered the token revoked at T0 + 1 min
        TokenState token = mailerToken("t-1");
        token.revocationOrdered("rc-1", T0 + 60_000);

        // when
        List<Detection> soon = inspect(at(T0 + 90_000, Events.listFolders("s-1", "t-1")), token, TokenDirectory.EMPTY);
        DetectorRun other = new DetectorRun(new CredentialDetector(), settings, new SessionState(MAILER, "s-2", T0));
        List<Detection> late = other.judge(at(T0 + 60_000 + settings.confirmTimeoutMs() + 1,
                Events.listFolders("s-2", "t-1")), new Baseline(), token);

        // then
        assertThat(soon).singleElement().satisfies(d -> {
            assertThat(d.rule()).isEqualTo("token.revocation_ordered");
            assertThat(d.severity()).isEqualTo(Severity.MEDIUM);
        });
        assertThat(late).singleElement().satisfies(d -> {
            assertThat(d.rule()).isEqualTo("token.revocation_ordered");
            assertThat(d.severity()).isEqualTo(Severity.HIGH);
            assertThat(d.summary()).contains("rc-1").contains("not confirmed");
        });
    }

    @Test
    void shouldFlagProbingWhenDeniedCallsReachTheLimitWithinTheWindow() {
        // given limit - 1 DENIED calls a minute apart, with a token that allows them
        int limit = settings.deniedLimit();
        TokenState token = mailerToken("t-1");
        for (int i = 0; i < limit - 1; i++) {
            assertThat(inspect(at(T0 + i * 60_000L, Events.denied(Events.call(MAILER, "s-1", "t-1", "hr_read"))),
                    token, TokenDirectory.EMPTY)).isEmpty();
        }

        // when the limit-th comes
        List<Detection> found = inspect(at(T0 + limit * 60_000L, Events.denied(Events.call(MAILER, "s-1", "t-1",
                "hr_read"))), token, TokenDirectory.EMPTY);
        List<Detection> next = inspect(at(T0 + (limit + 1) * 60_000L, Events.denied(Events.call(MAILER, "s-1", "t-1",
                "hr_read"))), token, TokenDirectory.EMPTY);

        // then, once
        assertThat(found).singleElement().satisfies(d -> {
            assertThat(d.rule()).isEqualTo("probing.denied");
            assertThat(d.severity()).isEqualTo(Severity.HIGH);
            assertThat(d.revokeScope()).isEqualTo(RevokeScope.SESSION);
        });
        assertThat(next).isEmpty();
    }

    @Test
    void shouldNotCountDeniedCallsSpreadOverMoreThanTheWindow() {
        // when limit DENIED calls come further apart than window / (limit - 1)
        int limit = settings.deniedLimit();
        long gap = settings.deniedWindowMs() / (limit - 1) + 1;
        List<Detection> found = new java.util.ArrayList<>();
        for (int i = 0; i < limit * 3; i++) {
            found.addAll(inspect(at(T0 + i * gap, Events.denied(Events.listFolders("s-1", "t-1"))), mailerToken("t-1"),
                    TokenDirectory.EMPTY));
        }

        // then
        assertThat(found).isEmpty();
    }

    @Test
    void shouldJudgeARefusedAttemptAtAScopeTheTokenLacksAsMediumOnItsOwn() {
        // when the gateway refuses a call needing a scope the token does not grant
        List<Detection> found = inspect(at(T0, Events.denied(Events.call(MAILER, "s-1", "t-1", "crm_update", "c",
                "corp", "crm:write"))), mailerToken("t-1"), TokenDirectory.EMPTY);

        // then the attempt is reported, as an alert: a misconfigured agent is the likelier story
        assertThat(found).singleElement().satisfies(d -> {
            assertThat(d.rule()).isEqualTo("scope.not_granted");
            assertThat(d.severity()).isEqualTo(Severity.MEDIUM);
            assertThat(d.revokeScope()).isEqualTo(RevokeScope.TOKEN);
            assertThat(d.summary()).contains("attempt, refused by the gateway");
        });
    }

    @Test
    void shouldJudgeARefusedAttemptAfterASensitiveReadAsAHijackedSession() {
        // given the session read CRM data
        TokenState token = mailerToken("t-1");
        inspect(at(T0, Events.crmLookup("s-1", "t-1")), token, TokenDirectory.EMPTY);

        // when it then tries a boundary its token does not allow, and the gateway refuses
        List<Detection> found = inspect(at(T0 + 60_000, Events.denied(Events.sendTo("s-1", "t-1", "http_post",
                "https://paste.example/x", "paste.example"))), token, TokenDirectory.EMPTY);

        // then
        assertThat(found).singleElement().satisfies(d -> {
            assertThat(d.rule()).isEqualTo("boundary.not_allowed");
            assertThat(d.severity()).isEqualTo(Severity.HIGH);
            assertThat(d.revokeScope()).isEqualTo(RevokeScope.SESSION);
        });
    }

    @Test
    void shouldIgnoreACallWithoutToken() {
        // when
        List<Detection> found = inspect(at(T0, Events.call(MAILER, "s-1", null, "list_folders")), null,
                TokenDirectory.EMPTY);

        // then
        assertThat(found).isEmpty();
    }
}
