package io.agentwatch.topology;

/** Implemented by exceptions that know the short, machine-readable reason a record is dead-lettered. */
public interface DeadLetterReason {
    String reason();
}
