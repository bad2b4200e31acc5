package io.agentwatch.kafka;

/**
 * The input topics cannot feed agentwatch as they are (missing, or not co-partitioned). The
 * message says what is wrong and how to fix it; it is meant for the operator, as is.
 */
public final class InputTopicsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InputTopicsException(String message) {
        super(message);
    }
}
