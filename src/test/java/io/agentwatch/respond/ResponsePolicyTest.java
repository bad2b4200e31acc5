package io.agentwatch.respond;

import static io.agentwatch.testing.Events.MAILER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agentwatch.avro.Action;
import io.agentwatch.avro.Operation;
import io.agentwatch.avro.RevokeScope;
import io.agentwatch.avro.Sensitivity;
import io.agentwatch.avro.Severity;
import io.agentwatch.config.AgentwatchConfig;
import io.agentwatch.model.Call;
import io.agentwatch.detect.Detection;
import io.agentwatch.testing.Baselines;
import io.agentwatch.testing.Events;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResponsePolicyTest {
    private static final long T0 = 1_767_603_600_000L;

    private final ResponsePolicy policy = policy(Map.of());

    private static ResponsePolicy policy(Map<String, Object> config) {
        return new ResponsePolicy(ResponseSettings.from(new AgentwatchConfig(config)));
    }

    private static Detection detection(String rule, Severity severity, RevokeScope scope) {
        return Detection.of(Detection.CREDENTIAL, rule, severity, 50).revoke(scope).build();
    }

    private static final Call SEND = Baselines.call(Events.replyToCustomer("s", "t", 1), T0, "e-send");
    private static final Call INTERNAL_READ = Baselines.call(Events.listFolders("s", "t"), T0, "e-read");
    private static final Call CONFIDENTIAL_READ = Baselines.call(Events.crmLookup("s", "t"), T0, "e-crm");
    private static final Call PAYMENT = Baselines.call(Events.call(MAILER, "s", "t", "pay_invoice"), T0, "e-pay");
    private static final Call RESTRICTED_DELETE = Baselines.call(Events.call(MAILER, "s", "t", "purge_records")
            .setOperation(Operation.DELETE).setSensitivity(Sensitivity.RESTRICTED), T0, "e-del");

    @Test
    void shouldRevokeWhatTheDetectionNamesFromHighSeverity() {
        // then
        assertThat(policy.decide(detection("chain.exfiltration", Severity.HIGH, RevokeScope.SESSION), SEND, 85))
                .isEqualTo(Action.REVOKE_SESSION);
        assertThat(policy.decide(detection("scope.not_granted", Severity.HIGH, RevokeScope.TOKEN), SEND, 70))
                .isEqualTo(Action.REVOKE_TOKEN);
        assertThat(policy.decide(detection("token.revoked", Severity.CRITICAL, RevokeScope.SESSION), SEND, 90))
                .isEqualTo(Action.REVOKE_SESSION);
    }

    @Test
    void shouldRevokeEveryTokenOfTheAgentForTheAgentRules() {
        // then
        assertThat(policy.decide(detection("token.foreign", Severity.CRITICAL, RevokeScope.AGENT), SEND, 95))
                .isEqualTo(Action.REVOKE_AGENT);
        assertThat(policy(Map.of(AgentwatchConfig.RESPONSE_REVOKE_AGENT_RULES, "probing.denied"))
                .decide(detection("probing.denied", Severity.HIGH, RevokeScope.SESSION), SEND, 60))
                .isEqualTo(Action.REVOKE_AGENT);
    }

    @Test
    void shouldAlertFromMediumAndDoNothingBelow() {
        // then
        assertThat(policy.decide(detection("drift.action", Severity.MEDIUM, RevokeScope.SESSION), SEND, 25))
                .isEqualTo(Action.ALERT);
        assertThat(policy.decide(detection("drift.action", Severity.LOW, RevokeScope.SESSION), SEND, 5))
                .isEqualTo(Action.NONE);
    }

    @Test
    void shouldRevokeTheSessionOnceItsRiskAddsUpWhateverTheLastFinding() {
        // then
        assertThat(policy.decide(detection("drift.action", Severity.MEDIUM, RevokeScope.SESSION), SEND, 79))
                .isEqualTo(Action.ALERT);
        assertThat(policy.decide(detection("drift.action", Severity.MEDIUM, RevokeScope.SESSION), SEND, 80))
                .isEqualTo(Action.REVOKE_SESSION);
        assertThat(policy.decide(detection("drift.action", Severity.LOW, RevokeScope.SESSION), SEND, 200))
                .isEqualTo(Action.REVOKE_SESSION);
    }

    @Test
    void shouldNotRevokeOnAccumulatedRiskWithoutACall() {
        // when a token event or a sweep produced the detection
        Action action = policy.decide(detection("revoke.unconfirmed", Severity.MEDIUM, RevokeScope.TOKEN), null, 500);

        // then
        assertThat(action).isEqualTo(Action.ALERT);
    }

    @Test
    void shouldCapTheResponseToALowRiskRead() {
        // then: a read of internal data revokes at most the token; confidential reads are not capped
        assertThat(policy.decide(detection("token.unknown", Severity.HIGH, RevokeScope.SESSION), INTERNAL_READ, 70))
                .isEqualTo(Action.REVOKE_TOKEN);
        assertThat(policy.decide(detection("token.unknown", Severity.HIGH, RevokeScope.SESSION), CONFIDENTIAL_READ, 70))
                .isEqualTo(Action.REVOKE_SESSION);
        assertThat(policy(Map.of(AgentwatchConfig.RESPONSE_READONLY_MAX_ACTION, "ALERT"))
                .decide(detection("token.foreign", Severity.CRITICAL, RevokeScope.AGENT), INTERNAL_READ, 95))
                .isEqualTo(Action.ALERT);
    }

    @Test
    void shouldWidenARevokeCausedByAHighImpactCall() {
        // then: money and destructive actions on restricted data revoke at least the session
        assertThat(policy.decide(detection("scope.not_granted", Severity.HIGH, RevokeScope.TOKEN), PAYMENT, 70))
                .isEqualTo(Action.REVOKE_SESSION);
        assertThat(policy.decide(detection("scope.not_granted", Severity.HIGH, RevokeScope.TOKEN), RESTRICTED_DELETE, 70))
                .isEqualTo(Action.REVOKE_SESSION);
        assertThat(policy.decide(detection("token.foreign", Severity.CRITICAL, RevokeScope.AGENT), PAYMENT, 95))
                .isEqualTo(Action.REVOKE_AGENT);
        assertThat(policy(Map.of(AgentwatchConfig.RESPONSE_CRITICAL_MIN_ACTION, "REVOKE_AGENT"))
                .decide(detection("scope.not_granted", Severity.HIGH, RevokeScope.TOKEN), PAYMENT, 70))
                .isEqualTo(Action.REVOKE_AGENT);
    }

    @Test
    void shouldNotTurnAnAlertIntoARevokeForAHighImpactCall() {
        // then
        assertThat(policy.decide(detection("drift.action", Severity.MEDIUM, RevokeScope.SESSION), PAYMENT, 25))
                .isEqualTo(Action.ALERT);
    }

    @Test
    void shouldFollowConfiguredSeverityThresholds() {
        // given
        ResponsePolicy strict = policy(Map.of(AgentwatchConfig.RESPONSE_REVOKE_MIN_SEVERITY, "MEDIUM",
                AgentwatchConfig.RESPONSE_ALERT_MIN_SEVERITY, "LOW"));

        // then
        assertThat(strict.decide(detection("drift.action", Severity.MEDIUM, RevokeScope.SESSION), SEND, 25))
                .isEqualTo(Action.REVOKE_SESSION);
        assertThat(strict.decide(detection("drift.action", Severity.LOW, RevokeScope.SESSION), SEND, 5))
                .isEqualTo(Action.ALERT);
    }

    @Test
    void shouldCarryDryRunAndTheCommandSettingsFromConfig() {
        // when
        ResponseSettings s = ResponseSettings.from(new AgentwatchConfig(Map.of(AgentwatchConfig.RESPONSE_DRY_RUN, "true",
                AgentwatchConfig.RESPONSE_SIGNING, "none", AgentwatchConfig.RESPONSE_COMMAND_TTL, "30m")));

        // then
        assertThat(s.dryRun()).isTrue();
        assertThat(s.signer().signs()).isFalse();
        assertThat(s.commandTtlMs()).isEqualTo(1_800_000L);
        assertThat(ResponseSettings.from(new AgentwatchConfig(Map.of())).dryRun()).isFalse();
    }

    @Test
    void shouldMapRevokeActionsToScopes() {
        // then
        assertThat(ResponsePolicy.scopeOf(Action.REVOKE_TOKEN)).isEqualTo(RevokeScope.TOKEN);
        assertThat(ResponsePolicy.scopeOf(Action.REVOKE_SESSION)).isEqualTo(RevokeScope.SESSION);
        assertThat(ResponsePolicy.scopeOf(Action.REVOKE_AGENT)).isEqualTo(RevokeScope.AGENT);
        assertThat(ResponsePolicy.isRevoke(Action.ALERT)).isFalse();
        assertThatThrownBy(() -> ResponsePolicy.scopeOf(Action.ALERT)).isInstanceOf(IllegalArgumentException.class);
    }
}
