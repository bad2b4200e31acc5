package io.agentwatch.topology;

import io.agentwatch.avro.Finding;
import io.agentwatch.avro.RevokeCommand;

/**
 * What the topology reports as it works, for metrics and logs. Called on stream threads:
 * implementations must be thread-safe and fast. The topology's decisions never depend on it.
 */
public interface DetectionObserver {
    DetectionObserver NONE = new DetectionObserver() {
    };

    /** An input record of {@code type} (tool_call, token_issued, token_revoked, approval) was accepted. */
    default void eventIn(String type) {
    }

    /** A finding was published. */
    default void finding(Finding finding) {
    }

    /**
     * A command was published on the revoke-command topic (SUSPEND and RESUME of step-up
     * approval included: see their scope); {@code producedAtMs} is the wall clock.
     */
    default void revokeCommand(RevokeCommand command, long producedAtMs) {
    }

    /**
     * A step-up approval changed: {@code outcome} = requested (a SUSPEND command was published),
     * approved (RESUME), denied, timed_out (both revoke the session), unmatched (a decision that
     * answers nothing waiting).
     */
    default void approval(String outcome) {
    }

    /** A revoke was decided but an earlier command already covers it. */
    default void revokeDeduplicated() {
    }

    /** A finding matched a suppression rule and was not published. */
    default void suppressed(String rule) {
    }

    /** A record went to the dead-letter topic. */
    default void deadLetter(String reason) {
    }

    /** Time spent processing one record. */
    default void recordProcessed(long nanos) {
    }

    /** Time spent in one stream-time sweep. */
    default void punctuated(long nanos) {
    }

    /** Baselines by state in one task, reported by each sweep. */
    default void agents(String taskId, long learning, long active) {
    }

    /** Approximate entries of a store in one task, reported by each sweep. */
    default void storeEntries(String taskId, String store, long entries) {
    }
}
