package io.agentwatch.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentwatch.avro.RevokeCommand;
import io.agentwatch.avro.RevokeScope;
import io.agentwatch.avro.TokenIssued;
import io.agentwatch.avro.TokenRevoked;
import io.agentwatch.respond.CommandSigner;
import io.agentwatch.respond.CommandVerifier;
import io.agentwatch.trust.SigningKey;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The sample credential broker obeys only commands agentwatch signed: every way to get a
 * token revoked without agentwatch's key is refused, and nothing is revoked.
 */
class RevocationDeskTest {
    private static final String AGENT = "spiffe://corp.example/agents/mailer";
    private static final Instant NOW = Instant.parse("2026-01-05T09:00:10Z");

    private final SigningKey agentwatchKey = SigningKey.generate();
    private final CommandSigner agentwatch = CommandSigner.with(agentwatchKey);
    private final RevocationDesk broker = desk(Clock.fixed(NOW, ZoneOffset.UTC));

    private RevocationDesk desk(Clock clock) {
        RevocationDesk desk = new RevocationDesk(new CommandVerifier(agentwatchKey.asTrusted(), clock), clock);
        desk.issued(token("t-1", "s-1"));
        desk.issued(token("t-2", "s-1"));
        desk.issued(token("t-3", "s-2"));
        return desk;
    }

    private static TokenIssued token(String id, String session) {
        return TokenIssued.newBuilder().setTokenId(id).setAgentId(AGENT).setSessionId(session)
                .setIssuedAt(NOW.minusSeconds(60)).setExpiresAt(NOW.plusSeconds(3600)).setIssuer("broker").build();
    }

    private static RevokeCommand command(String id, RevokeScope scope, List<String> tokens, String session,
                                         Instant expiresAt) {
        return RevokeCommand.newBuilder().setCommandId(id).setAgentId(AGENT).setScope(scope).setTokenIds(tokens)
                .setSessionId(session).setReason("exfiltration").setFindingIds(List.of("f-1"))
                .setIssuedAt(NOW.minusSeconds(5)).setExpiresAt(expiresAt).build();
    }

    private static RevokeCommand sessionCommand() {
        return command("rc-1", RevokeScope.SESSION, List.of("t-1"), "s-1", NOW.plusSeconds(3600));
    }

    private static List<String> tokens(RevocationDesk.Outcome o) {
        return o.revoked().stream().map(TokenRevoked::getTokenId).toList();
    }

    @Test
    void shouldRevokeWhatAValidSignedCommandNames() {
        RevocationDesk.Outcome o = broker.command(agentwatch.sign(sessionCommand()));

        assertThat(o.verdict().accepted()).isTrue();
        assertThat(tokens(o)).containsExactly("t-1", "t-2");
        assertThat(o.revoked()).allSatisfy(t -> assertThat(t.getCommandId()).isEqualTo("rc-1"));
    }

    @Test
    void shouldHoldASuspendedTokenWithoutRevokingItUntilResumedOrRevoked() {
        // when agentwatch suspends t-1 for a step-up approval
        RevocationDesk.Outcome suspended = broker.command(agentwatch.sign(command("rc-s", RevokeScope.SUSPEND,
                List.of("t-1"), "s-1", NOW.plusSeconds(3600))));

        // then it is held, and nothing is reported revoked
        assertThat(suspended.suspended()).containsExactly("t-1");
        assertThat(suspended.revoked()).isEmpty();
        assertThat(broker.isSuspended("t-1")).isTrue();

        // when a person approves: released
        RevocationDesk.Outcome resumed = broker.command(agentwatch.sign(command("rc-r", RevokeScope.RESUME,
                List.of("t-1"), "s-1", NOW.plusSeconds(3600))));
        assertThat(resumed.resumed()).containsExactly("t-1");
        assertThat(broker.isSuspended("t-1")).isFalse();

        // and a suspension ended by a revoke is released too
        broker.command(agentwatch.sign(command("rc-s2", RevokeScope.SUSPEND, List.of("t-2"), "s-1",
                NOW.plusSeconds(3600))));
        assertThat(tokens(broker.command(agentwatch.sign(sessionCommand())))).containsExactly("t-1", "t-2");
        assertThat(broker.isSuspended("t-2")).isFalse();
    }

    @Test
    void shouldRefuseAnUnsignedSuspension() {
        RevocationDesk.Outcome o = broker.command(command("rc-s", RevokeScope.SUSPEND, List.of("t-1"), "s-1",
                NOW.plusSeconds(3600)));

        assertThat(o.verdict().accepted()).isFalse();
        assertThat(o.suspended()).isEmpty();
        assertThat(broker.isSuspended("t-1")).isFalse();
    }

    @Test
    void shouldRefuseAnUnsignedCommand() {
        RevocationDesk.Outcome o = broker.command(sessionCommand());

        assertThat(o.verdict().reason()).isEqualTo("unsigned");
        assertThat(o.revoked()).isEmpty();
    }

    @Test
    void shouldRefuseACommandAlteredAfterSigning() {
        // given: a man in the middle widens a signed TOKEN command to every token of the agent
        RevokeCommand signed = agentwatch.sign(command("rc-2", RevokeScope.TOKEN, List.of("t-1"), "s-1",
                NOW.plusSeconds(3600)));
        signed.setScope(RevokeScope.AGENT);

        // when
        RevocationDesk.Outcome o = broker.command(signed);

        // then
        assertThat(o.verdict().reason()).isEqualTo("bad-signature");
        assertThat(o.revoked()).isEmpty();
    }

    @Test
    void shouldRefuseACommandSignedByAKeyItDoesNotTrust() {
        RevocationDesk.Outcome o = broker.command(CommandSigner.with(SigningKey.generate()).sign(sessionCommand()));

        assertThat(o.verdict().reason()).isEqualTo("unknown-key");
        assertThat(o.revoked()).isEmpty();
    }

    @Test
    void shouldRefuseAnExpiredCommand() {
        // given: signed while valid, delivered after its expiry (held back, or replayed from an old offset)
        RevokeCommand stale = agentwatch.sign(command("rc-3", RevokeScope.SESSION, List.of("t-1"), "s-1",
                NOW.minusSeconds(1)));

        // when
        RevocationDesk.Outcome o = broker.command(stale);

        // then
        assertThat(o.verdict().reason()).isEqualTo("expired");
        assertThat(o.revoked()).isEmpty();
    }

    @Test
    void shouldRefuseAReplayedCommandAndACopyReSignedUnderTheSameCommandId() {
        // given
        RevokeCommand original = agentwatch.sign(sessionCommand());
        RevokeCommand copy = RevokeCommand.newBuilder(original).build();
        broker.command(original);
        broker.issued(token("t-4", "s-1")); // a new token in the session after the revocation

        // when
        RevocationDesk.Outcome replayed = broker.command(copy);
        RevocationDesk.Outcome reSigned = broker.command(agentwatch.sign(sessionCommand()));

        // then
        assertThat(replayed.verdict().reason()).isEqualTo("replayed");
        assertThat(reSigned.verdict().reason()).isEqualTo("replayed");
        assertThat(replayed.revoked()).isEmpty();
        assertThat(reSigned.revoked()).isEmpty();
    }

    @Test
    void shouldNotLetARefusedForgeryBurnTheIdOfARealCommandToCome() {
        // given: command ids are predictable hashes; an attacker sends a forgery with the next real id first
        RevokeCommand forged = CommandSigner.with(SigningKey.generate()).sign(command("rc-9", RevokeScope.SESSION, List.of(),
                "s-2", NOW.plusSeconds(3600)));
        broker.command(forged);

        // when
        RevocationDesk.Outcome real = broker.command(agentwatch.sign(command("rc-9", RevokeScope.SESSION,
                List.of(), "s-2", NOW.plusSeconds(3600))));

        // then
        assertThat(real.verdict().accepted()).isTrue();
        assertThat(tokens(real)).containsExactly("t-3");
    }
}
