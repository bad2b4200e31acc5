package io.agentwatch.topology;

/** An input record that decodes but makes no sense; it goes to the dead-letter topic. */
public final class ValidationException extends RuntimeException {
    private final String reason;

    public ValidationException(String reason, String message) {
        // A refusal of bad input, not a bug: no stack trace to fill per refused record.
        super(message, null, false, false);
        this.reason = reason;
    }

    /** Short machine-readable reason, e.g. invalid-agent-id; the DLQ header and metric label. */
    public String reason() {
        return reason;
    }
}
