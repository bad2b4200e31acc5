package io.agentwatch.keycloak;

/**
 * A call to Keycloak that did not succeed. Every such failure is retried by the bridge (the
 * event position and the revoke command stay where they were); the message says what to fix
 * when retrying alone will not help (a wrong secret, a missing role).
 */
public final class KeycloakException extends RuntimeException {
    private final int status;

    KeycloakException(String message, int status) {
        super(message);
        this.status = status;
    }

    KeycloakException(String message, Throwable cause) {
        super(message, cause);
        this.status = -1;
    }

    /** The HTTP status, or -1 when there was no answer (connection refused, timeout). */
    public int status() {
        return status;
    }
}
