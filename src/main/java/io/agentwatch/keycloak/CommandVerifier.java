package io.agentwatch.keycloak;

import io.agentwatch.avro.RevokeCommand;

/**
 * Decides whether the bridge may act on a revoke command, before it touches Keycloak. A refused
 * command is dead-lettered with the reason, never silently dropped. The bridge ships with
 * {@link #ACCEPT_ALL}; a verifier of command signatures plugs in here.
 */
@FunctionalInterface
public interface CommandVerifier {

    /** accepted, or refused with a reason a person can act on. */
    record Verdict(boolean accepted, String reason) {
        public static final Verdict ACCEPT = new Verdict(true, null);

        public static Verdict refuse(String reason) {
            return new Verdict(false, reason);
        }
    }

    Verdict verify(RevokeCommand command);

    /** Trusts every command read from the revoke-commands topic (access to it is the control). */
    CommandVerifier ACCEPT_ALL = command -> Verdict.ACCEPT;
}
